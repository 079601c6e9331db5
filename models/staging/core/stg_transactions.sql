{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    post_hook="{{ stg_transactions_drop_rejected() }}",
) }}
{%- set last_transaction_key = incremental_max_value('transaction_key') %}

-- Staged transaction lines (SPEC §1-2): the raw rows that pass every rule, typed and converted to the
-- reporting currency. `amount` = quantity * unit_price * fx_rate is an exact DECIMAL(38,22), never
-- rounded per line. Products missing from the products relation are core with product_line `unknown`.
-- Incremental: a run appends the rows staged since the last run; a row rejected since (a duplicate of
-- an appended row with a lower line_number) is deleted by the post-hook.
with validated as (
    select * from {{ ref('stg_transactions_validated') }}
),

products as (
    select * from {{ ref('stg_products') }}
),

accepted as (
    select * from validated
    where reason is null and source_row_number > {{ last_transaction_key or 0 }}
),

final as (
    select
        accepted.source_row_number as transaction_key,
        accepted.source_file,
        accepted.source_row_number,
        accepted.invoice_id,
        accepted.line_number,
        accepted.customer_id,
        accepted.invoiced_at,
        cast(accepted.invoiced_at as date) as invoice_date,
        cast(date_trunc('month', accepted.invoiced_at) as date) as revenue_month,
        accepted.product_id,
        coalesce(products.product_line, 'unknown') as product_line,
        accepted.quantity,
        accepted.unit_price,
        accepted.currency,
        accepted.fx_rate,
        cast(accepted.quantity * accepted.unit_price * accepted.fx_rate as decimal(38, 22)) as amount,
        coalesce(products.is_core, true) as is_core,
        coalesce(products.is_core, true)
        and accepted.quantity > 0
        and accepted.quantity * accepted.unit_price * accepted.fx_rate > 0 as is_purchase_line
    from accepted
    left join products
        on accepted.product_id = products.product_id
)

select * from final
