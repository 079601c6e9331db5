-- MetricFlow time spine (the `time_spine` config in _semantic__models.yml): one row per day from the first day
-- of the earliest month with a core line to as_of_date, so at month grain it is the calendar of
-- mart_monthly_revenue. Derived from the data and as_of_date, never current_date: same input, same spine.
with customer_months as (
    select * from {{ ref('fct_customer_months') }}
),

as_of as (
    select * from {{ ref('int_as_of_dates') }}
),

bounds as (
    select
        min(customer_months.revenue_month) as first_day,
        max(as_of.as_of_date) as last_day
    from customer_months
    cross join as_of
),

days as (
    select {{ date_series('first_day', 'last_day', 'day') }} as date_day
    from bounds
),

final as (
    select date_day
    from days
)

select * from final
order by date_day
