{#- A 64-bit integer hash of a list of column expressions (nulls included, so (null, 'a') and ('a', null)
    differ): bucket keys and fingerprints, never an identity (equal hashes are checked on the values).
    DuckDB: hash() (UBIGINT); PostgreSQL: the first 16 hex digits of the md5 of the row's text form, as a
    bigint; Spark: xxhash64. -#}
{% macro row_hash(columns) -%}
    {{ return(adapter.dispatch('row_hash', 'segmentation')(columns)) }}
{%- endmacro %}

{% macro default__row_hash(columns) -%}
    cast(cast(('x' || left(md5(cast(row({{ columns | join(', ') }}) as text)), 16)) as bit(64)) as bigint)
{%- endmacro %}

{% macro duckdb__row_hash(columns) -%}
    hash({{ columns | join(', ') }})
{%- endmacro %}

{% macro spark__row_hash(columns) -%}
    xxhash64({{ columns | join(', ') }})
{%- endmacro %}
