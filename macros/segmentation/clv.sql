{#-
    SPEC §10 switches. The CLV fit and scoring are dbt Python models, which only dbt-duckdb runs here:
    on any other engine (PostgreSQL, Spark session mode) and with var clv_enabled false, the fit, the
    scoring and the two CLV marts are disabled, and dim_customers carries null CLV columns with
    churn_risk `unknown`. dbt_project.yml repeats this condition for the Python models (folder
    models/intermediate/clv/fit/), whose config cannot call a macro: keep the two in step.
-#}
{% macro clv_models_enabled() %}
    {{ return(seg_var('clv_enabled') and target.type == 'duckdb') }}
{% endmacro %}


{#- SPEC §10 churn_risk from p_alive: `high` below churn_risk_high_below (0.5), `medium` below
    churn_risk_medium_below (0.8), else `low`; `unknown` without a prediction (null p_alive). -#}
{% macro churn_risk(p_alive) -%}
    case
        when {{ p_alive }} is null then 'unknown'
        when {{ p_alive }} < {{ seg_var_sql('churn_risk_high_below') }} then 'high'
        when {{ p_alive }} < {{ seg_var_sql('churn_risk_medium_below') }} then 'medium'
        else 'low'
    end
{%- endmacro %}
