-- SPEC §3: one row per account and month from first_month(a) to min(last_month(a) + 1, as_of_month),
-- gap months included, with revenue, previous_revenue, the movement and movement_amount
-- (= revenue - previous_revenue, always), orders and the SPEC §4 category revenues.
-- A table rebuilt on every run (one row per account and month: small next to the lines; an incremental
-- version would have to rewrite every account whose spine or acquisition_month moves, docs/performance.md).
with spine as (
    select * from {{ ref('int_customer_months_spined') }}
),

final as (
    select
        customer_id,
        revenue_month,
        acquisition_month,
        {{ money('revenue') }} as revenue,
        {{ money('previous_revenue') }} as previous_revenue,
        {{ revenue_movement('revenue', 'previous_revenue', 'revenue_month', 'acquisition_month') }} as movement,
        {{ money(money('revenue') ~ ' - ' ~ money('previous_revenue')) }} as movement_amount,
        orders,
        {{ money('conversion_revenue') }} as conversion_revenue,
        {{ money('retention_revenue') }} as retention_revenue,
        {{ money('penetration_revenue') }} as penetration_revenue
    from spine
    where
        revenue_month <= {{ add_months('last_month', 1) }}
)

select * from final
