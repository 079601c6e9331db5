-- Per account and penetration key it bought (a purchase line: core, quantity > 0, amount > 0):
-- the first month it did (SPEC §4, §5).
with key_months as (
    select * from {{ ref('int_customer_key_months') }}
),

final as (
    select
        customer_id,
        penetration_key,
        min(revenue_month) as first_bought_month
    from key_months
    group by customer_id, penetration_key
)

select * from final
