{{ config(materialized='view', pre_hook="{{ raise_if_no_staged_transactions() }}") }}

-- Staged transaction lines (SPEC §1-2): the raw rows that pass every rule, typed and converted to the
-- reporting currency. `amount` = quantity * unit_price * fx_rate, a DECIMAL(38,12) (macro line_amount), never
-- rounded coarser per line. Products missing from the products relation are core with product_line `unknown`.
-- Built after the customers checks too, so a reference-data error stops the build before any mart:
-- depends_on: {{ ref('stg_customers') }}
-- A view: stg_transactions_validated holds the typed rows once (incremental), with their verdict.
with validated as (
    select * from {{ ref('stg_transactions_validated') }}
),

final as (
    select
        cast(source_row_number as bigint) as transaction_key,
        source_file,
        source_row_number,
        invoice_id,
        line_number,
        customer_id,
        invoiced_at,
        invoice_date,
        revenue_month,
        product_id,
        product_line,
        quantity,
        unit_price,
        currency,
        fx_rate,
        amount,
        is_core,
        is_purchase_line
    from validated
    where reason is null
)

select * from final
