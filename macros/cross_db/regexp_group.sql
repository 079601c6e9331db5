{#- The text matched by capture group `group` (1-based) of the regular expression `pattern` (a SQL string
    literal, RE2 / POSIX / Java syntax alike: no backslashes, no lookaround) in text `value`; '' when the
    pattern does not match or the group matched nothing. DuckDB and Spark: regexp_extract; PostgreSQL:
    regexp_match's array element. -#}
{% macro regexp_group(value, pattern, group) -%}
    {{ return(adapter.dispatch('regexp_group', 'segmentation')(value, pattern, group)) }}
{%- endmacro %}

{% macro default__regexp_group(value, pattern, group) -%}
    regexp_extract({{ value }}, {{ pattern }}, {{ group }})
{%- endmacro %}

{% macro postgres__regexp_group(value, pattern, group) -%}
    coalesce((regexp_match({{ value }}, {{ pattern }}))[{{ group }}], '')
{%- endmacro %}
