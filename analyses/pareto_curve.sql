-- Pareto curve at as_of_month (SPEC §5 pareto_tier, read from fct_customer_snapshots): the active accounts
-- (t12m_revenue > 0) ranked by t12m_revenue desc then customer_id, as SPEC §5 ranks them, with the cumulative
-- share of accounts and of T12M revenue up to and including each account. Plot revenue_share against
-- account_share: the curve rises from the first account to (1, 1); e.g. the A tier is the accounts whose
-- share_before is under the first pareto_cuts cut-off (0.80).
-- Run: dbt compile --select pareto_curve, then run target/compiled/segmentation/analyses/pareto_curve.sql.
with snapshots as (
    select * from {{ ref('fct_customer_snapshots') }}
),

as_of as (
    select * from {{ ref('int_as_of_dates') }}
),

active_at_as_of as (
    select
        snapshots.customer_id,
        snapshots.t12m_revenue,
        snapshots.pareto_tier,
        snapshots.value_tier
    from snapshots
    inner join as_of
        on snapshots.snapshot_month = as_of.as_of_month
    where snapshots.t12m_revenue > 0
),

ranked as (
    select
        customer_id,
        t12m_revenue,
        pareto_tier,
        value_tier,
        row_number() over (order by t12m_revenue desc, customer_id asc) as account_rank,
        count(*) over () as active_accounts,
        sum(t12m_revenue) over (
            order by t12m_revenue desc, customer_id asc rows between unbounded preceding and current row
        ) as cumulative_t12m_revenue,
        sum(t12m_revenue) over () as total_t12m_revenue
    from active_at_as_of
),

final as (
    select
        account_rank,
        customer_id,
        pareto_tier,
        value_tier,
        t12m_revenue,
        cumulative_t12m_revenue,
        {{ ratio('account_rank', 'active_accounts') }} as account_share,
        {{ ratio('cumulative_t12m_revenue', 'total_t12m_revenue') }} as revenue_share,
        {{ ratio('cumulative_t12m_revenue - t12m_revenue', 'total_t12m_revenue') }} as share_before
    from ranked
)

select * from final
order by account_rank
