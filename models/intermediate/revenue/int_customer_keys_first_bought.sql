-- Per account and penetration key it bought (a purchase line: core, quantity > 0, amount > 0):
-- the first month it did (SPEC §4, §5).
with lines as (
    select * from {{ ref('int_transactions_scoped') }}
),

final as (
    select
        customer_id,
        penetration_key,
        min(revenue_month) as first_bought_month
    from lines
    where is_purchase_line
    group by customer_id, penetration_key
)

select * from final
