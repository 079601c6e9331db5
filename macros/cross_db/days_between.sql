{#- Days from date `from_date` to date `to_date` (bigint, like DuckDB's datediff; negative when to_date is earlier). -#}
{% macro days_between(from_date, to_date) -%}
    {{ return(adapter.dispatch('days_between', 'segmentation')(from_date, to_date)) }}
{%- endmacro %}

{% macro default__days_between(from_date, to_date) -%}
    cast(cast({{ to_date }} as date) - cast({{ from_date }} as date) as bigint)
{%- endmacro %}

{% macro duckdb__days_between(from_date, to_date) -%}
    datediff('day', {{ from_date }}, {{ to_date }})
{%- endmacro %}

{% macro spark__days_between(from_date, to_date) -%}
    cast(datediff(cast({{ to_date }} as date), cast({{ from_date }} as date)) as bigint)
{%- endmacro %}
