{#- A timestamp without time zone holding a UTC wall time, as the wall time of the IANA time zone `zone`
    (a SQL string literal), still without time zone. DuckDB: timezone() (ICU); PostgreSQL: AT TIME ZONE
    twice; Spark: from_utc_timestamp. -#}
{% macro utc_to_timezone(value, zone) -%}
    {{ return(adapter.dispatch('utc_to_timezone', 'segmentation')(value, zone)) }}
{%- endmacro %}

{% macro default__utc_to_timezone(value, zone) -%}
    (({{ value }}) at time zone 'UTC') at time zone {{ zone }}
{%- endmacro %}

{% macro duckdb__utc_to_timezone(value, zone) -%}
    timezone({{ zone }}, timezone('UTC', {{ value }}))
{%- endmacro %}

{% macro spark__utc_to_timezone(value, zone) -%}
    from_utc_timestamp({{ value }}, {{ zone }})
{%- endmacro %}
