{%- set new, churn, reactivation, expansion, contraction, unchanged, inactive = seg_labels('movement', 7) -%}
-- SPEC §7: one row per revenue_month from the earliest month of any core line to as_of_month: revenue
-- and its categories, the revenue bridge (opening + movement sums = closing), active accounts, orders,
-- ARPA and purchase frequency, and the T12M figures (t12m_revenue, active accounts, ARPA, NRR, GRR) with the
-- NRR / GRR numerators and denominator as extra columns (retained_*).
with customer_months as (
    select * from {{ ref('fct_customer_months') }}
),

transactions as (
    select * from {{ ref('fct_transactions') }}
),

snapshots as (
    select * from {{ ref('fct_customer_snapshots') }}
),

as_of as (
    select * from {{ ref('int_as_of_dates') }}
),

calendar as (
    select
        {{ date_series('min(customer_months.revenue_month)', 'max(as_of.as_of_month)', 'month') }} as revenue_month
    from customer_months
    cross join as_of
),

monthly as (
    select
        revenue_month,
        sum(revenue) as revenue,
        sum(conversion_revenue) as conversion_revenue,
        sum(retention_revenue) as retention_revenue,
        sum(penetration_revenue) as penetration_revenue,
        sum(case when movement = '{{ new }}' then movement_amount else 0 end) as new_revenue,
        sum(case when movement = '{{ reactivation }}' then movement_amount else 0 end) as reactivation_revenue,
        sum(case when movement = '{{ expansion }}' then movement_amount else 0 end) as expansion_revenue,
        sum(case when movement = '{{ contraction }}' then movement_amount else 0 end) as contraction_revenue,
        sum(case when movement = '{{ churn }}' then movement_amount else 0 end) as churned_revenue,
        sum(case when movement = '{{ inactive }}' then movement_amount else 0 end) as inactive_change,
        count(case when revenue > 0 then 1 end) as active_accounts
    from customer_months
    group by revenue_month
),

monthly_orders as (
    select
        revenue_month,
        count(distinct invoice_id) as orders
    from transactions
    where is_purchase_line
    group by revenue_month
),

t12m as (
    select
        snapshot_month,
        sum(t12m_revenue) as t12m_revenue,
        count(case when t12m_revenue > 0 then 1 end) as t12m_active_accounts
    from snapshots
    group by snapshot_month
),

-- NRR / GRR: the accounts active in the T12M window ending 12 months earlier, then and now.
retained as (
    select
        now_snapshots.snapshot_month,
        sum(then_snapshots.t12m_revenue) as base_t12m_revenue,
        sum(now_snapshots.t12m_revenue) as net_t12m_revenue,
        sum(least(greatest(now_snapshots.t12m_revenue, 0), then_snapshots.t12m_revenue)) as gross_t12m_revenue
    from snapshots as now_snapshots
    inner join snapshots as then_snapshots
        on
            now_snapshots.customer_id = then_snapshots.customer_id
            and then_snapshots.snapshot_month = {{ add_months('now_snapshots.snapshot_month', -12) }}
    where then_snapshots.t12m_revenue > 0
    group by now_snapshots.snapshot_month
),

joined as (
    select
        calendar.revenue_month,
        coalesce(monthly.revenue, 0) as revenue,
        coalesce(monthly.conversion_revenue, 0) as conversion_revenue,
        coalesce(monthly.retention_revenue, 0) as retention_revenue,
        coalesce(monthly.penetration_revenue, 0) as penetration_revenue,
        coalesce(monthly.new_revenue, 0) as new_revenue,
        coalesce(monthly.reactivation_revenue, 0) as reactivation_revenue,
        coalesce(monthly.expansion_revenue, 0) as expansion_revenue,
        coalesce(monthly.contraction_revenue, 0) as contraction_revenue,
        coalesce(monthly.churned_revenue, 0) as churned_revenue,
        coalesce(monthly.inactive_change, 0) as inactive_change,
        coalesce(monthly.active_accounts, 0) as active_accounts,
        coalesce(monthly_orders.orders, 0) as orders,
        coalesce(t12m.t12m_revenue, 0) as t12m_revenue,
        coalesce(t12m.t12m_active_accounts, 0) as t12m_active_accounts,
        retained.base_t12m_revenue,
        retained.net_t12m_revenue,
        retained.gross_t12m_revenue
    from calendar
    left join monthly
        on calendar.revenue_month = monthly.revenue_month
    left join monthly_orders
        on calendar.revenue_month = monthly_orders.revenue_month
    left join t12m
        on calendar.revenue_month = t12m.snapshot_month
    left join retained
        on calendar.revenue_month = retained.snapshot_month
),

final as (
    select
        revenue_month,
        {{ money('revenue') }} as revenue,
        {{ money('conversion_revenue') }} as conversion_revenue,
        {{ money('retention_revenue') }} as retention_revenue,
        {{ money('penetration_revenue') }} as penetration_revenue,
        {{ money('coalesce(lag(revenue) over (order by revenue_month), 0)') }} as opening_revenue,
        {{ money('new_revenue') }} as new_revenue,
        {{ money('reactivation_revenue') }} as reactivation_revenue,
        {{ money('expansion_revenue') }} as expansion_revenue,
        {{ money('contraction_revenue') }} as contraction_revenue,
        {{ money('churned_revenue') }} as churned_revenue,
        {{ money('inactive_change') }} as inactive_change,
        {{ money('revenue') }} as closing_revenue,
        cast(active_accounts as bigint) as active_accounts,
        cast(orders as bigint) as orders,
        {{ ratio('revenue', 'active_accounts') }} as arpa,
        {{ ratio('orders', 'active_accounts') }} as purchase_frequency,
        {{ money('t12m_revenue') }} as t12m_revenue,
        cast(t12m_active_accounts as bigint) as t12m_active_accounts,
        {{ ratio('t12m_revenue', 't12m_active_accounts') }} as t12m_arpa,
        {{ ratio('net_t12m_revenue', 'base_t12m_revenue') }} as nrr_t12m,
        {{ ratio('gross_t12m_revenue', 'base_t12m_revenue') }} as grr_t12m,
        -- NRR / GRR parts, so the semantic layer can rebuild the ratios at any grain (beyond SPEC §7)
        {{ money('base_t12m_revenue') }} as retained_base_t12m_revenue,
        {{ money('net_t12m_revenue') }} as retained_net_t12m_revenue,
        {{ money('gross_t12m_revenue') }} as retained_gross_t12m_revenue
    from joined
)

select * from final
order by revenue_month
