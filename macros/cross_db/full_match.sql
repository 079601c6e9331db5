{#- True when the whole of `value` matches the regular expression `pattern` (a SQL string literal of an
    RE2 / POSIX pattern without anchors). DuckDB: regexp_full_match; PostgreSQL: `~` with the pattern
    anchored; Spark: rlike with the pattern anchored. -#}
{% macro full_match(value, pattern) -%}
    {{ return(adapter.dispatch('full_match', 'segmentation')(value, pattern)) }}
{%- endmacro %}

{% macro default__full_match(value, pattern) -%}
    ({{ value }} ~ ('^(?:' || {{ pattern }} || ')$'))
{%- endmacro %}

{% macro duckdb__full_match(value, pattern) -%}
    regexp_full_match({{ value }}, {{ pattern }})
{%- endmacro %}

{% macro spark__full_match(value, pattern) -%}
    ({{ value }} rlike concat('^(?:', {{ pattern }}, ')$'))
{%- endmacro %}
