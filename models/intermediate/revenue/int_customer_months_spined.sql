-- The account x month spine from first_month(a) to as_of_month, gap months included (SPEC §3, §5),
-- with revenue(a, m) and revenue(a, m - 1) (0 where there are no core lines), orders, and the
-- revenue per SPEC §4 category. fct_customer_months keeps the months up to last_month + 1;
-- fct_customer_snapshots uses every month.
with acquired as (
    select * from {{ ref('int_customers_acquired') }}
),

as_of as (
    select * from {{ ref('int_as_of_dates') }}
),

customer_months as (
    select * from {{ ref('int_customer_months_aggregated') }}
),

category_revenue as (
    select * from {{ ref('int_customer_months_categorized') }}
),

spine as (
    select
        acquired.customer_id,
        acquired.first_month,
        acquired.last_month,
        acquired.acquisition_month,
        {{ date_series('acquired.first_month', 'as_of.as_of_month', 'month') }} as revenue_month
    from acquired
    cross join as_of
),

joined as (
    select
        spine.customer_id,
        spine.revenue_month,
        spine.first_month,
        spine.last_month,
        spine.acquisition_month,
        cast(coalesce(customer_months.revenue, 0) as decimal(38, 12)) as revenue,
        coalesce(customer_months.orders, 0) as orders,
        cast(coalesce(category_revenue.conversion_revenue, 0) as decimal(38, 12)) as conversion_revenue,
        cast(coalesce(category_revenue.retention_revenue, 0) as decimal(38, 12)) as retention_revenue,
        cast(coalesce(category_revenue.penetration_revenue, 0) as decimal(38, 12)) as penetration_revenue
    from spine
    left join customer_months
        on
            spine.customer_id = customer_months.customer_id
            and spine.revenue_month = customer_months.revenue_month
    left join category_revenue
        on
            spine.customer_id = category_revenue.customer_id
            and spine.revenue_month = category_revenue.revenue_month
),

final as (
    select
        *,
        cast(coalesce(
            lag(revenue) over (partition by customer_id order by revenue_month),
            0
        ) as decimal(38, 12)) as previous_revenue
    from joined
)

select * from final
