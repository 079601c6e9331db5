-- SPEC §7: for every migration month s, the accounts summed over the from / to tiers equal the accounts
-- with a snapshot at s, their to_t12m_revenue sums to those accounts' t12m_revenue, and every month
-- from the earliest snapshot month + 12 to as_of_month has migration rows.
with migration as (
    select * from {{ ref('mart_segment_migration') }}
),

snapshots as (
    select * from {{ ref('fct_customer_snapshots') }}
),

snapshot_totals as (
    select
        snapshot_month,
        count(*) as accounts,
        sum(t12m_revenue) as t12m_revenue
    from snapshots
    group by snapshot_month
),

earliest as (
    select min(snapshot_month) as earliest_snapshot_month
    from snapshot_totals
),

eligible_months as (
    select snapshot_totals.*
    from snapshot_totals
    cross join earliest
    where {{ add_months('snapshot_totals.snapshot_month', -12) }} >= earliest.earliest_snapshot_month
),

migration_totals as (
    select
        snapshot_month,
        sum(accounts) as accounts,
        sum(to_t12m_revenue) as t12m_revenue
    from migration
    group by snapshot_month
),

final as (
    select
        coalesce(eligible_months.snapshot_month, migration_totals.snapshot_month) as snapshot_month,
        eligible_months.accounts as snapshot_accounts,
        migration_totals.accounts as migration_accounts,
        eligible_months.t12m_revenue as snapshot_t12m_revenue,
        migration_totals.t12m_revenue as migration_t12m_revenue
    from eligible_months
    full outer join migration_totals
        on eligible_months.snapshot_month = migration_totals.snapshot_month
    where
        eligible_months.snapshot_month is null
        or migration_totals.snapshot_month is null
        or eligible_months.accounts != migration_totals.accounts
        or abs(eligible_months.t12m_revenue - migration_totals.t12m_revenue) > 0.01
)

select * from final
