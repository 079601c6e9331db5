{#- The continuous (linear interpolation) `quantile` (a number 0..1) of `expression` over the group: an
    aggregate. Every engine interpolates in double precision: callers round the result (money()). -#}
{% macro quantile_cont(expression, quantile) -%}
    {{ return(adapter.dispatch('quantile_cont', 'segmentation')(expression, quantile)) }}
{%- endmacro %}

{% macro default__quantile_cont(expression, quantile) -%}
    percentile_cont({{ quantile }}) within group (order by {{ expression }})
{%- endmacro %}

{% macro duckdb__quantile_cont(expression, quantile) -%}
    quantile_cont({{ expression }}, {{ quantile }})
{%- endmacro %}

{% macro spark__quantile_cont(expression, quantile) -%}
    percentile({{ expression }}, {{ quantile }})
{%- endmacro %}
