{#- A text expression compared and ordered in byte order (UTF-8, binary collation; SPEC §1 row
    position, §5 customer_id tie-breaks): the default collation of DuckDB and Spark; PostgreSQL's
    database collation may be a locale, so `collate "C"`. -#}
{% macro collate_binary(expression) -%}
    {{ return(adapter.dispatch('collate_binary', 'segmentation')(expression)) }}
{%- endmacro %}

{% macro default__collate_binary(expression) -%}
    {{ expression }}
{%- endmacro %}

{% macro postgres__collate_binary(expression) -%}
    ({{ expression }} collate "C")
{%- endmacro %}
