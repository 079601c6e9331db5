{#- Month arithmetic on first-of-month dates. -#}
{% macro add_months(month_column, months) -%}
    cast({{ month_column }} + to_months(cast({{ months }} as integer)) as date)
{%- endmacro %}

{#- Whole months from `from_month` to `to_month` (both first-of-month dates). -#}
{% macro months_between(from_month, to_month) -%}
    datediff('month', {{ from_month }}, {{ to_month }})
{%- endmacro %}
