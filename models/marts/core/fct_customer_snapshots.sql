-- SPEC §5: one row per account and snapshot month from first_month(a) to as_of_month with the T12M
-- figures, value tier, Pareto tier, peer benchmark and potential, the value x potential cell and the
-- relationship level.
with windowed as (
    select * from {{ ref('int_customer_snapshots_windowed') }}
),

peers as (
    select * from {{ ref('int_customer_peer_benchmarks') }}
),

ranked as (
    select
        *,
        t12m_revenue > 0 as is_active,
        coalesce(
            sum(case when t12m_revenue > 0 then t12m_revenue end) over (
                partition by snapshot_month, t12m_revenue > 0
                order by t12m_revenue desc, customer_id asc
                rows between unbounded preceding and 1 preceding
            ),
            0
        ) as revenue_before,
        sum(case when t12m_revenue > 0 then t12m_revenue else 0 end) over (
            partition by snapshot_month
        ) as total_active_revenue
    from windowed
),

with_potential as (
    select
        ranked.*,
        peers.peer_group,
        peers.peer_benchmark,
        {{ potential('peers.peer_benchmark', 'ranked.t12m_revenue') }} as potential
    from ranked
    inner join peers
        on ranked.customer_id = peers.customer_id and ranked.snapshot_month = peers.snapshot_month
),

classified as (
    select
        *,
        {{ value_tier('t12m_revenue') }} as value_tier,
        {{ potential_tier('potential') }} as potential_tier
    from with_potential
),

final as (
    select
        customer_id,
        snapshot_month,
        {{ money('t12m_revenue') }} as t12m_revenue,
        t12m_orders,
        t12m_active_months,
        {{ ratio('case when t12m_orders > 0 then t12m_revenue end', 't12m_orders') }} as aov,
        tenure_months,
        product_lines_t12m,
        keys_to_date,
        value_tier,
        {{ pareto_tier('is_active', 'revenue_before', 'total_active_revenue') }} as pareto_tier,
        peer_group,
        {{ money('peer_benchmark') }} as peer_benchmark,
        {{ money('potential') }} as potential,
        potential_tier,
        {{ value_potential_cell('value_tier', 'potential_tier') }} as value_potential_cell,
        {{ relationship_level('tenure_months', 'keys_to_date') }} as relationship_level
    from classified
)

select * from final
