{#- Whole calendar months from `from_month` to `to_month` (both dates; month boundaries crossed, as a
    bigint, like DuckDB's datediff): 0 within a month, 1 from 2024-01-31 to 2024-02-01. -#}
{% macro months_between(from_month, to_month) -%}
    {{ return(adapter.dispatch('months_between', 'segmentation')(from_month, to_month)) }}
{%- endmacro %}

{% macro default__months_between(from_month, to_month) -%}
    cast(
        (extract(year from {{ to_month }}) - extract(year from {{ from_month }})) * 12
        + extract(month from {{ to_month }}) - extract(month from {{ from_month }})
        as bigint
    )
{%- endmacro %}

{% macro duckdb__months_between(from_month, to_month) -%}
    datediff('month', {{ from_month }}, {{ to_month }})
{%- endmacro %}
