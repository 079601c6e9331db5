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

{#- Spark: a seed table is Parquet files written in file order (one file per load: the seed loader reads
    the CSV as one partition); rows are ordered by file (write time, then name) and the Parquet reader's
    hidden row index within it. A bigint as on the other engines (Spark's row_number() is an int). -#}
{% macro spark__insertion_position() -%}
    cast(row_number() over (order by _metadata.file_modification_time, _metadata.file_name, _metadata.row_index) as bigint)
{%- endmacro %}
