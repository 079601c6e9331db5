{#- Days from date `from_date` to date `to_date` (integer; negative when to_date is earlier). -#}
{% macro days_between(from_date, to_date) -%}
    {{ return(adapter.dispatch('days_between', 'segmentation')(from_date, to_date)) }}
{%- endmacro %}

{% macro default__days_between(from_date, to_date) -%}
    (cast({{ to_date }} as date) - cast({{ from_date }} as date))
{%- endmacro %}

{% macro duckdb__days_between(from_date, to_date) -%}
    datediff('day', {{ from_date }}, {{ to_date }})
{%- endmacro %}

{% macro spark__days_between(from_date, to_date) -%}
    datediff(cast({{ to_date }} as date), cast({{ from_date }} as date))
{%- endmacro %}
