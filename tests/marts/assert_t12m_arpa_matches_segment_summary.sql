-- SPEC §7: mart_monthly_revenue's t12m_revenue, t12m_active_accounts and t12m_arpa equal the overall
-- figures implied by mart_segment_summary (any one segment type covers every account of the month).
with monthly_revenue as (
    select * from {{ ref('mart_monthly_revenue') }}
),

segment_summary as (
    select * from {{ ref('mart_segment_summary') }}
),

implied as (
    select
        snapshot_month,
        sum(t12m_revenue) as t12m_revenue,
        sum(active_accounts) as t12m_active_accounts,
        sum(t12m_revenue) / nullif(sum(active_accounts), 0) as t12m_arpa
    from segment_summary
    where segment_type = 'value_tier'
    group by snapshot_month
),

final as (
    select
        monthly_revenue.revenue_month,
        monthly_revenue.t12m_revenue,
        implied.t12m_revenue as implied_t12m_revenue,
        monthly_revenue.t12m_active_accounts,
        implied.t12m_active_accounts as implied_t12m_active_accounts,
        monthly_revenue.t12m_arpa,
        implied.t12m_arpa as implied_t12m_arpa
    from monthly_revenue
    left join implied
        on monthly_revenue.revenue_month = implied.snapshot_month
    where
        abs(monthly_revenue.t12m_revenue - coalesce(implied.t12m_revenue, 0)) > 0.01
        or monthly_revenue.t12m_active_accounts != coalesce(implied.t12m_active_accounts, 0)
        or (monthly_revenue.t12m_arpa is null) != (implied.t12m_arpa is null)
        or abs(monthly_revenue.t12m_arpa - implied.t12m_arpa) > 0.01
)

select * from final
