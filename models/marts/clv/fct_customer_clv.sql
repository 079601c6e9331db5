{{ config(enabled=clv_models_enabled()) }}

-- SPEC §10: one row per account with at least one purchase day up to as_of_date: its summary
-- statistics (weeks = days / 7), BG/NBD p_alive and expected purchases over clv_horizon_weeks,
-- Gamma-Gamma expected purchase value, predicted_revenue and churn_risk. Predictions are null and
-- churn_risk `unknown` when the model they need is not fitted (see clv_model_parameters.status).
-- Money is DECIMAL(38,10); probabilities and expected counts are double precision.
with summary as (
    select * from {{ ref('int_customers_clv_summarized') }}
),

scored as (
    select * from {{ ref('int_customers_clv_scored') }}
),

settings as (
    select * from {{ ref('int_clv_settings') }}
),

predictions as (
    select
        summary.customer_id,
        summary.first_purchase_date,
        summary.last_purchase_date,
        summary.purchase_days,
        summary.frequency,
        summary.recency_days,
        summary.age_days,
        summary.monetary_value,
        cast(scored.p_alive as {{ type_double() }}) as p_alive,
        cast(scored.expected_purchases as {{ type_double() }}) as expected_purchases,
        {{ money('scored.expected_purchase_value') }} as expected_purchase_value,
        settings.horizon_weeks,
        settings.as_of_date
    from summary
    cross join settings
    left join scored
        on summary.customer_id = scored.customer_id
),

final as (
    select
        customer_id,
        first_purchase_date,
        last_purchase_date,
        cast(purchase_days as bigint) as purchase_days,
        cast(frequency as bigint) as frequency,
        cast(recency_days as {{ type_double() }}) / 7 as recency_weeks,
        cast(age_days as {{ type_double() }}) / 7 as age_weeks,
        {{ money('monetary_value') }} as monetary_value,
        p_alive,
        expected_purchases,
        expected_purchase_value,
        {{ money('cast(expected_purchases as decimal(38, 12)) * expected_purchase_value') }} as predicted_revenue,
        {{ churn_risk('p_alive') }} as churn_risk,
        horizon_weeks,
        as_of_date
    from predictions
)

select * from final
