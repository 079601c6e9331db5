{#- The keyword placed between `name as` and `(` of a CTE whose columns are expensive expressions used
    many times downstream: PostgreSQL inlines a CTE referenced once and copies each column's expression
    into every use (it has no common-subexpression elimination), so the staging parsers would run dozens
    of times per row (line_amount alone repeats quantity and unit_price 55 times): `materialized` computes
    them once per row. DuckDB (which eliminates common subexpressions) and Spark: nothing. -#}
{% macro materialized_cte() -%}
    {{ return(adapter.dispatch('materialized_cte', 'segmentation')()) }}
{%- endmacro %}

{% macro default__materialized_cte() -%}
{%- endmacro %}

{% macro postgres__materialized_cte() -%}
    materialized
{%- endmacro %}
