{{ config(enabled=clv_models_enabled()) }}

-- SPEC §10: the fitted parameters, one row per model and parameter, with the model's log-likelihood
-- (summed over the accounts fitted, every term of the density), the accounts fitted and why a model
-- has no parameters (status, reason). alpha is in weeks (time_unit).
with fitted as (
    select * from {{ ref('int_clv_parameters_fitted') }}
),

settings as (
    select * from {{ ref('int_clv_settings') }}
),

final as (
    select
        fitted.model,
        fitted.parameter,
        cast(fitted.parameter_order as integer) as parameter_order,
        cast(fitted.value as {{ type_double() }}) as value,
        cast(fitted.log_likelihood as {{ type_double() }}) as log_likelihood,
        cast(fitted.accounts_fitted as bigint) as accounts_fitted,
        fitted.status,
        fitted.reason,
        'week' as time_unit,
        settings.as_of_date
    from fitted
    cross join settings
)

select * from final
