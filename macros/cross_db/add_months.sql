{#- A date `months` (an integer expression, may be negative) calendar months after the first-of-month
    date `month_column`, as a date. -#}
{% macro add_months(month_column, months) -%}
    {{ return(adapter.dispatch('add_months', 'segmentation')(month_column, months)) }}
{%- endmacro %}

{% macro default__add_months(month_column, months) -%}
    cast({{ month_column }} + cast({{ months }} as integer) * interval '1 month' as date)
{%- endmacro %}

{% macro duckdb__add_months(month_column, months) -%}
    cast({{ month_column }} + to_months(cast({{ months }} as integer)) as date)
{%- endmacro %}

{% macro spark__add_months(month_column, months) -%}
    add_months({{ month_column }}, cast({{ months }} as integer))
{%- endmacro %}
