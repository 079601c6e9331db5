{#- A row's 1-based position in a freshly loaded relation's storage order (a seed, a file read by the
    engine): DuckDB keeps insertion order (preserve_insertion_order); PostgreSQL's heap order (ctid) of a
    table dbt seed has just truncated and filled in file order. A window expression. -#}
{% macro insertion_position() -%}
    {{ return(adapter.dispatch('insertion_position', 'segmentation')()) }}
{%- endmacro %}

{% macro default__insertion_position() -%}
    row_number() over ()
{%- endmacro %}

{% macro postgres__insertion_position() -%}
    row_number() over (order by ctid)
{%- endmacro %}
