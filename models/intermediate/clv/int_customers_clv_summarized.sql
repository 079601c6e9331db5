{{ config(enabled=seg_var('clv_enabled')) }}

-- SPEC §10 summary statistics, one row per account with at least one purchase day: frequency =
-- purchase days - 1; recency_days = last - first purchase day; age_days = as_of_date - first purchase
-- day (integers, macro days_between: the Python fit divides by 7, so weeks are exact days / 7 on every engine);
-- monetary_value = mean value of the purchase days after the first (exact decimal; null when frequency = 0).
with purchase_days as (
    select * from {{ ref('int_customer_purchase_days_aggregated') }}
),

as_of as (
    select * from {{ ref('int_as_of_dates') }}
),

per_customer as (
    select
        customer_id,
        count(*) as purchase_days,
        min(purchase_date) as first_purchase_date,
        max(purchase_date) as last_purchase_date,
        sum(case when purchase_day_number > 1 then purchase_value end) as repeat_purchase_value
    from purchase_days
    group by customer_id
),

final as (
    select
        per_customer.customer_id,
        per_customer.first_purchase_date,
        per_customer.last_purchase_date,
        per_customer.purchase_days,
        per_customer.purchase_days - 1 as frequency,
        {{ days_between('per_customer.first_purchase_date', 'per_customer.last_purchase_date') }} as recency_days,
        {{ days_between('per_customer.first_purchase_date', 'as_of.as_of_date') }} as age_days,
        {{ ratio('per_customer.repeat_purchase_value', 'per_customer.purchase_days - 1') }} as monetary_value
    from per_customer
    cross join as_of
)

select * from final
