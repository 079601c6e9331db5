{#- The 8-byte binary float type of casts (`cast(x as {{ type_double() }})`): `double precision` on DuckDB
    and PostgreSQL (standard SQL), `double` on Spark, which has no `double precision`. dbt's type_float()
    does not fit: it is DuckDB's 4-byte `float`. Only the CLV probabilities and parameters are doubles;
    money and ratios are exact decimals. -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'segmentation')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    {{ return('double precision') }}
{%- endmacro %}

{% macro spark__type_double() -%}
    {{ return('double') }}
{%- endmacro %}
