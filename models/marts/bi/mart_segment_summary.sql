-- SPEC §7: one row per snapshot_month, segment_type (value_tier, pareto_tier, value_potential_cell,
-- relationship_level) and segment with at least one account. Shares are of all accounts with a
-- snapshot in the month, so they sum to 1 per month and segment type (an inactive segment's
-- revenue_share can be negative).
{%- set segment_types = ['value_tier', 'pareto_tier', 'value_potential_cell', 'relationship_level'] %}
with snapshots as (
    select * from {{ ref('fct_customer_snapshots') }}
),

-- accounts grouped by every label at once first: a few hundred rows per month to unpivot
label_combinations as (
    select
        snapshot_month,
        {%- for segment_type in segment_types %}
            {{ segment_type }},
        {%- endfor %}
        count(*) as accounts,
        count(case when t12m_revenue > 0 then 1 end) as active_accounts,
        sum(t12m_revenue) as t12m_revenue,
        sum(t12m_orders) as t12m_orders,
        sum(potential) as potential
    from snapshots
    group by
        {%- for segment_type in segment_types %}
            {{ segment_type }},
        {%- endfor %}
        snapshot_month
),

segments as (
    {%- for segment_type in segment_types %}
        select
            snapshot_month,
            '{{ segment_type }}' as segment_type,
            {{ segment_type }} as segment,
            sum(accounts) as accounts,
            sum(active_accounts) as active_accounts,
            sum(t12m_revenue) as t12m_revenue,
            sum(t12m_orders) as t12m_orders,
            sum(potential) as potential
        from label_combinations
        group by snapshot_month, {{ segment_type }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

with_totals as (
    select
        *,
        sum(t12m_revenue) over (partition by snapshot_month, segment_type) as month_t12m_revenue,
        sum(accounts) over (partition by snapshot_month, segment_type) as month_accounts
    from segments
),

final as (
    select
        snapshot_month,
        segment_type,
        segment,
        cast(accounts as bigint) as accounts,
        cast(active_accounts as bigint) as active_accounts,
        {{ money('t12m_revenue') }} as t12m_revenue,
        {{ ratio('t12m_revenue', 'month_t12m_revenue') }} as revenue_share,
        {{ ratio('accounts', 'month_accounts') }} as account_share,
        {{ ratio('t12m_revenue', 'active_accounts') }} as arpa,
        cast(t12m_orders as bigint) as t12m_orders,
        {{ ratio('t12m_orders', 'active_accounts') }} as purchase_frequency,
        {{ money('potential') }} as potential
    from with_totals
)

select * from final
order by snapshot_month, segment_type, segment
