-- SPEC §7: one row per cohort_month (acquisition_month) and months_since_acquisition k = 0 .. up to
-- as_of_month: the cohort's accounts, those active (revenue > 0) in month cohort_month + k, their
-- revenue in that month, logo_retention and revenue_retention (revenue / revenue at k = 0).
with spine as (
    select * from {{ ref('int_customer_months_spined') }}
),

cohort_months as (
    select
        acquisition_month as cohort_month,
        {{ months_between('acquisition_month', 'revenue_month') }} as months_since_acquisition,
        revenue_month,
        revenue
    from spine
    where acquisition_month is not null and revenue_month >= acquisition_month
),

aggregated as (
    select
        cohort_month,
        months_since_acquisition,
        revenue_month,
        count(*) as cohort_accounts,
        count(case when revenue > 0 then 1 end) as active_accounts,
        sum(revenue) as revenue
    from cohort_months
    group by cohort_month, months_since_acquisition, revenue_month
),

with_base as (
    select
        *,
        first_value(revenue) over (
            partition by cohort_month order by months_since_acquisition
        ) as cohort_start_revenue
    from aggregated
),

final as (
    select
        cohort_month,
        cast(months_since_acquisition as bigint) as months_since_acquisition,
        revenue_month,
        cast(cohort_accounts as bigint) as cohort_accounts,
        cast(active_accounts as bigint) as active_accounts,
        {{ money('revenue') }} as revenue,
        {{ ratio('active_accounts', 'cohort_accounts') }} as logo_retention,
        {{ ratio('revenue', 'cohort_start_revenue') }} as revenue_retention
    from with_base
)

select * from final
order by cohort_month, months_since_acquisition
