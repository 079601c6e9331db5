-- SPEC §7: mart_monthly_revenue recomputed from the lines: revenue per month from the core lines of
-- fct_transactions, orders as distinct invoices with a purchase line, and every month from the first
-- core line to as_of_month present exactly once.
with monthly_revenue as (
    select * from {{ ref('mart_monthly_revenue') }}
),

transactions as (
    select * from {{ ref('fct_transactions') }}
),

as_of as (
    select * from {{ ref('int_as_of_dates') }}
),

from_lines as (
    select
        revenue_month,
        sum(case when is_core then amount else 0 end) as revenue,
        count(distinct case when is_purchase_line then invoice_id end) as orders,
        bool_or(is_core) as has_core_line
    from transactions
    group by revenue_month
),

first_core_month as (
    select min(revenue_month) as first_month
    from from_lines
    where has_core_line
),

expected_months as (
    select
        count(*) filter (where monthly_revenue.revenue_month > as_of.as_of_month) as months_after_as_of,
        min(monthly_revenue.revenue_month) as first_month,
        max(monthly_revenue.revenue_month) as last_month,
        count(*) as month_rows
    from monthly_revenue
    cross join as_of
),

mismatched_months as (
    select
        monthly_revenue.revenue_month,
        monthly_revenue.revenue,
        from_lines.revenue as line_revenue,
        monthly_revenue.orders,
        from_lines.orders as line_orders
    from monthly_revenue
    left join from_lines
        on monthly_revenue.revenue_month = from_lines.revenue_month
    where
        abs(monthly_revenue.revenue - coalesce(from_lines.revenue, 0)) > 0.01
        or monthly_revenue.orders != coalesce(from_lines.orders, 0)
),

bad_calendar as (
    select
        cast(null as date) as revenue_month,
        cast(null as decimal(38, 10)) as revenue,
        cast(null as decimal(38, 10)) as line_revenue,
        expected_months.month_rows as orders,
        cast(null as bigint) as line_orders
    from expected_months
    cross join as_of
    cross join first_core_month
    where
        expected_months.months_after_as_of > 0
        or expected_months.last_month != as_of.as_of_month
        or expected_months.first_month != first_core_month.first_month
        or expected_months.month_rows
        != {{ months_between('expected_months.first_month', 'expected_months.last_month') }} + 1
),

final as (
    select * from mismatched_months
    union all
    select * from bad_calendar
)

select * from final
