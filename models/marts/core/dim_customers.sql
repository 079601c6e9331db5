-- SPEC §6: one row per customer that has a staged line dated up to as_of_date or is listed in the
-- customers relation: attributes, purchase dates, lifetime figures (0, not null, when none), recency,
-- the account's snapshot at as_of_month (null where it has none), lifecycle_status, and the
-- recommended treatment of its value tier (dim_segment_playbook; null without a snapshot), and the
-- SPEC §10 predictions of fct_customer_clv (null / churn_risk `unknown` for a customer without a purchase
-- day, and for every customer where the CLV models are disabled: var clv_enabled false, or an engine
-- without dbt Python models; macro clv_models_enabled).
with customers as (
    select * from {{ ref('stg_customers') }}
),

lines as (
    select * from {{ ref('int_transactions_scoped') }}
),

customer_months as (
    select * from {{ ref('int_customer_months_aggregated') }}
),

spanning_invoice_months as (
    select * from {{ ref('int_customer_invoices_spanning_months') }}
),

acquired as (
    select * from {{ ref('int_customers_acquired') }}
),

snapshots as (
    select * from {{ ref('fct_customer_snapshots') }}
),

as_of as (
    select * from {{ ref('int_as_of_dates') }}
),

playbook as (
    select * from {{ ref('dim_segment_playbook') }}
),

clv as (
    {%- if clv_models_enabled() %}
        select * from {{ ref('fct_customer_clv') }}
    {%- else %}
        select
            cast(null as {{ dbt.type_string() }}) as customer_id,
            cast(null as {{ type_double() }}) as p_alive,
            cast(null as {{ type_double() }}) as expected_purchases,
            {{ money('null') }} as predicted_revenue,
            cast(null as {{ dbt.type_string() }}) as churn_risk
        where false
    {%- endif %}
),

month_totals as (
    select
        customer_id,
        min(first_purchase_date) as first_purchase_date,
        max(last_purchase_date) as last_purchase_date,
        sum(revenue) as lifetime_revenue,
        sum(orders) as monthly_orders
    from customer_months
    group by customer_id
),

-- an order whose purchase lines fall in several months counts once in the lifetime
order_repeats as (
    select
        customer_id,
        count(*) - count(distinct invoice_id) as repeated_orders
    from spanning_invoice_months
    group by customer_id
),

line_totals as (
    select
        month_totals.customer_id,
        month_totals.first_purchase_date,
        month_totals.last_purchase_date,
        month_totals.lifetime_revenue,
        cast(month_totals.monthly_orders - coalesce(order_repeats.repeated_orders, 0) as bigint) as lifetime_orders
    from month_totals
    left join order_repeats
        on month_totals.customer_id = order_repeats.customer_id
),

customer_ids as (
    select customer_id from customers
    union
    select distinct customer_id from lines
),

final as (
    select
        customer_ids.customer_id,
        customers.company_name,
        customers.industry,
        customers.country,
        customers.employee_count,
        coalesce(customers.size_band, 'unknown') as size_band,
        line_totals.first_purchase_date,
        line_totals.last_purchase_date,
        acquired.acquisition_month,
        {{ money('coalesce(line_totals.lifetime_revenue, 0)') }} as lifetime_revenue,
        coalesce(line_totals.lifetime_orders, 0) as lifetime_orders,
        {{ days_between('line_totals.last_purchase_date', 'as_of.as_of_date') }} as recency_days,
        as_of.as_of_date,
        as_of.as_of_month,
        snapshots.t12m_revenue,
        snapshots.t12m_orders,
        snapshots.t12m_active_months,
        snapshots.aov,
        snapshots.tenure_months,
        snapshots.product_lines_t12m,
        snapshots.value_tier,
        snapshots.pareto_tier,
        snapshots.peer_group,
        snapshots.peer_benchmark,
        snapshots.potential,
        snapshots.potential_tier,
        snapshots.value_potential_cell,
        snapshots.relationship_level,
        {{ lifecycle_status('acquired.acquisition_month', 'as_of.as_of_month', 'snapshots.t12m_revenue') }}
            as lifecycle_status,
        playbook.sales_time_share as playbook_sales_time_share,
        playbook.support_level as playbook_support_level,
        playbook.account_review_cadence as playbook_review_cadence,
        playbook.pitch_approach as playbook_pitch_approach,
        playbook.treatment as playbook_treatment,
        clv.p_alive,
        clv.expected_purchases,
        clv.predicted_revenue,
        coalesce(clv.churn_risk, {{ churn_risk_unknown() }}) as churn_risk
    from customer_ids
    cross join as_of
    left join customers
        on customer_ids.customer_id = customers.customer_id
    left join line_totals
        on customer_ids.customer_id = line_totals.customer_id
    left join acquired
        on customer_ids.customer_id = acquired.customer_id
    left join snapshots
        on
            customer_ids.customer_id = snapshots.customer_id
            and as_of.as_of_month = snapshots.snapshot_month
    left join playbook
        on snapshots.value_tier = playbook.value_tier
    left join clv
        on customer_ids.customer_id = clv.customer_id
)

select * from final
