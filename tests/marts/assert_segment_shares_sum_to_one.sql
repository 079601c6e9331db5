-- SPEC §7: revenue_share and account_share each sum to 1 per snapshot month and segment type
-- (revenue_share is null only when the month's total t12m_revenue is 0).
with segment_summary as (
    select * from {{ ref('mart_segment_summary') }}
),

totals as (
    select
        snapshot_month,
        segment_type,
        sum(revenue_share) as revenue_share,
        sum(account_share) as account_share,
        sum(t12m_revenue) as t12m_revenue
    from segment_summary
    group by snapshot_month, segment_type
),

final as (
    select *
    from totals
    where
        abs(account_share - 1) > 0.000001
        or (t12m_revenue != 0 and abs(revenue_share - 1) > 0.000001)
)

select * from final
