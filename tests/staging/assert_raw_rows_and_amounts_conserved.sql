-- SPEC §2 invariant: count(raw) = count(stg_transactions) + count(rejected), and the same for the sum of
-- quantity * unit_price over the rows where both parse as numbers. Returns a row when either breaks.
{%- set raw_types = raw_column_types('transactions') %}
{%- set quantity_type, price_type = raw_types.get('quantity'), raw_types.get('unit_price') %}
with raw_transactions as (
    select * from {{ raw_source('transactions') }}
),

staged as (
    select * from {{ ref('stg_transactions') }}
),

rejected as (
    select * from {{ ref('rejected_transactions') }}
),

raw_cleaned as (
    select
        {{ clean_text('quantity', quantity_type) }} as quantity_text,
        {{ clean_text('unit_price', price_type) }} as unit_price_text
    from raw_transactions
),

raw_numbers as (
    select
        {{ parse_decimal('quantity_text', raw_type=quantity_type) }} as quantity,
        {{ parse_decimal('unit_price_text', raw_type=price_type) }} as unit_price
    from raw_cleaned
),

raw_totals as (
    select
        count(*) as row_count,
        coalesce(sum({{ line_gross('quantity', 'unit_price') }}), 0) as amount
    from raw_numbers
),

staged_totals as (
    select
        count(*) as row_count,
        coalesce(sum({{ line_gross('quantity', 'unit_price') }}), 0) as amount
    from staged
),

rejected_totals as (
    select
        count(*) as row_count,
        coalesce(sum(raw_amount), 0) as amount
    from rejected
),

final as (
    select
        raw_totals.row_count as raw_rows,
        staged_totals.row_count as staged_rows,
        rejected_totals.row_count as rejected_rows,
        raw_totals.amount as raw_amount,
        staged_totals.amount as staged_amount,
        rejected_totals.amount as rejected_amount
    from raw_totals
    cross join staged_totals
    cross join rejected_totals
    where
        raw_totals.row_count != staged_totals.row_count + rejected_totals.row_count
        or raw_totals.amount != staged_totals.amount + rejected_totals.amount
)

select * from final
