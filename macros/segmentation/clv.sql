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
