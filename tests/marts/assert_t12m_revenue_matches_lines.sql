-- SPEC §5: t12m_revenue equals the sum of the account's core line amounts over the 12 months
-- s-11 .. s, recomputed here from fct_transactions with a join instead of window frames.
with snapshots as (
    select * from {{ ref('fct_customer_snapshots') }}
),

transactions as (
    select * from {{ ref('fct_transactions') }}
),

monthly as (
    select
        customer_id,
        revenue_month,
        sum(amount) as revenue
    from transactions
    where is_core
    group by customer_id, revenue_month
),

recomputed as (
    select
        snapshots.customer_id,
        snapshots.snapshot_month,
        snapshots.t12m_revenue,
        coalesce(sum(monthly.revenue), 0) as expected_t12m_revenue
    from snapshots
    left join monthly
        on
            snapshots.customer_id = monthly.customer_id
            and monthly.revenue_month between {{ add_months('snapshots.snapshot_month', -11) }}
            and snapshots.snapshot_month
    group by snapshots.customer_id, snapshots.snapshot_month, snapshots.t12m_revenue
),

final as (
    select *
    from recomputed
    where abs(t12m_revenue - expected_t12m_revenue) > 0.01
)

select * from final
