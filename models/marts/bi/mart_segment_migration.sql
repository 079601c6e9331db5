-- SPEC §7: for every snapshot_month s whose s - 12 is at or after the earliest snapshot month, one
-- row per (value tier at s - 12, value tier at s) over the accounts with a snapshot at s. An account
-- without a snapshot at s - 12 migrates from `inactive` with from_t12m_revenue 0.
with snapshots as (
    select * from {{ ref('fct_customer_snapshots') }}
),

earliest as (
    select min(snapshot_month) as earliest_snapshot_month
    from snapshots
),

paired as (
    select
        to_snapshots.snapshot_month,
        coalesce(from_snapshots.value_tier, '{{ seg_labels('value_tier')[-1] }}') as from_value_tier,
        to_snapshots.value_tier as to_value_tier,
        coalesce(from_snapshots.t12m_revenue, 0) as from_t12m_revenue,
        to_snapshots.t12m_revenue as to_t12m_revenue
    from snapshots as to_snapshots
    cross join earliest
    left join snapshots as from_snapshots
        on
            to_snapshots.customer_id = from_snapshots.customer_id
            and from_snapshots.snapshot_month = {{ add_months('to_snapshots.snapshot_month', -12) }}
    where {{ add_months('to_snapshots.snapshot_month', -12) }} >= earliest.earliest_snapshot_month
),

final as (
    select
        snapshot_month,
        {{ add_months('snapshot_month', -12) }} as from_snapshot_month,
        from_value_tier,
        to_value_tier,
        count(*) as accounts,
        {{ money('sum(from_t12m_revenue)') }} as from_t12m_revenue,
        {{ money('sum(to_t12m_revenue)') }} as to_t12m_revenue
    from paired
    group by snapshot_month, from_value_tier, to_value_tier
)

select * from final
order by snapshot_month, from_value_tier, to_value_tier
