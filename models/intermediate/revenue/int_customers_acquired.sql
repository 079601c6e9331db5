-- Per account with any core line (SPEC §3): first_month and last_month with a core line, and
-- acquisition_month, the first month with active (> 0) revenue (null if none).
with customer_months as (
    select * from {{ ref('int_customer_months_aggregated') }}
),

final as (
    select
        customer_id,
        min(revenue_month) as first_month,
        max(revenue_month) as last_month,
        min(case when revenue > 0 then revenue_month end) as acquisition_month
    from customer_months
    group by customer_id
)

select * from final
