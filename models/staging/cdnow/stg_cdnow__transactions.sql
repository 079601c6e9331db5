{{ config(materialized='view', enabled=seg_var('source') == 'cdnow') }}

-- Raw transaction rows of the CDNOW master file in the canonical text contract (SPEC §11):
-- invoice_id = customer_id || '-' || date || '-' || row (row = the record's 1-based position in the file,
-- also line_number), customer_id as written (zero-padded text), invoiced_at = date as ISO text,
-- product_id = CD, quantity = 1, unit_price = dollar_value (the transaction's total), currency = USD.
with source_rows as (
    {{ cdnow_raw_select() }}
),

final as (
    select
        source_file,
        source_row_number,
        false as malformed_row,
        -- a blank customer_id or date still gives an invoice id, so such a row is rejected for the value
        -- it lacks (missing_customer / invalid_date), not as missing_invoice
        coalesce(customer_id, '') || '-' || coalesce(date, '') || '-' || cast(source_row_number as varchar)
            as invoice_id,
        cast(source_row_number as varchar) as line_number,
        customer_id,
        {{ cdnow_invoice_date('date') }} as invoiced_at,
        'CD' as product_id,
        '1' as quantity,
        dollar_value as unit_price,
        'USD' as currency
    from source_rows
)

select * from final
