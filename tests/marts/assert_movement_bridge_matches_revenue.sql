-- SPEC §3: for every month, the sum of movement_amount over accounts equals total revenue(m) minus
-- total revenue(m - 1), with revenue recomputed independently from the core lines of fct_transactions.
with customer_months as (
    select * from {{ ref('fct_customer_months') }}
),

transactions as (
    select * from {{ ref('fct_transactions') }}
),

monthly_revenue as (
    select
        revenue_month,
        sum(amount) as revenue
    from transactions
    where is_core
    group by revenue_month
),

movements as (
    select
        revenue_month,
        sum(movement_amount) as movement_amount
    from customer_months
    group by revenue_month
),

final as (
    select
        movements.revenue_month,
        movements.movement_amount,
        coalesce(this_month.revenue, 0) - coalesce(previous_month.revenue, 0) as revenue_change
    from movements
    left join monthly_revenue as this_month
        on movements.revenue_month = this_month.revenue_month
    left join monthly_revenue as previous_month
        on {{ add_months('movements.revenue_month', -1) }} = previous_month.revenue_month
    where abs(movements.movement_amount - (coalesce(this_month.revenue, 0) - coalesce(previous_month.revenue, 0)))
        > 0.01
)

select * from final
