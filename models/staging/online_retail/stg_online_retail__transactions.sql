{{ config(materialized='view', enabled=seg_var('source') == 'online_retail') }}

-- Raw transaction rows of the UCI Online Retail file in the canonical text contract (SPEC §9):
-- line_number = the row's 1-based position in the file, customer_id = CustomerID as an integer string
-- (`17850.0` -> `17850`), invoiced_at = InvoiceDate as ISO text, currency = GBP.
with invoice_lines as (
    select * from {{ ref('base_online_retail__invoice_lines') }}
),

final as (
    select
        source_file,
        source_row_number,
        false as malformed_row,
        invoice_no as invoice_id,
        cast(source_row_number as {{ type_text() }}) as line_number,
        {{ online_retail_customer_id('customer_id') }} as customer_id,
        {{ online_retail_invoice_date('invoice_date') }} as invoiced_at,
        stock_code as product_id,
        quantity,
        unit_price,
        'GBP' as currency
    from invoice_lines
)

select * from final
