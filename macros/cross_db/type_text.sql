{#- The text type of casts (`cast(x as {{ type_text() }})`): varchar on DuckDB, text on PostgreSQL,
    string on Spark. dbt's own type_string() where it fits; DuckDB keeps `varchar`. -#}
{% macro type_text() -%}
    {{ return(adapter.dispatch('type_text', 'segmentation')()) }}
{%- endmacro %}

{% macro default__type_text() -%}
    {{ return(dbt.type_string()) }}
{%- endmacro %}

{% macro duckdb__type_text() -%}
    {{ return('varchar') }}
{%- endmacro %}
