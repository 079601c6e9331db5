{{ config(materialized='view') }}

-- Staged lines dated on or before as_of_date (SPEC §0), with the line's penetration key
-- (var penetration_grain). Every mart reads lines through this model.
with staged as (
    select * from {{ ref('stg_transactions') }}
),

as_of as (
    select * from {{ ref('int_as_of_dates') }}
),

final as (
    select
        staged.*,
        {{ penetration_key() }} as penetration_key
    from staged
    inner join as_of
        on staged.invoice_date <= as_of.as_of_date
)

select * from final
