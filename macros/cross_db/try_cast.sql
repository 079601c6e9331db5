{#-
    Casts that give null instead of failing on a value that does not convert: text to an exact decimal, a
    bigint or a timestamp. DuckDB and Spark have try_cast; PostgreSQL has none, so its variants check the
    text first (number syntax and magnitude, calendar validity) and cast only what converts. The staging
    parsers (macros/staging/parsing.sql) check the SPEC §1 syntax before; these keep a value that passes
    the syntax but cannot be held (too large, 2022-02-30) from stopping the run.
-#}

{#- `value` (text, or an integer / decimal) as decimal(precision, scale), rounded to `scale`; null when
    it is not a decimal number or does not fit. -#}
{% macro try_cast_decimal(value, precision, scale) -%}
    {{ return(adapter.dispatch('try_cast_decimal', 'segmentation')(value, precision, scale)) }}
{%- endmacro %}

{% macro default__try_cast_decimal(value, precision, scale) -%}
    try_cast({{ value }} as decimal({{ precision }}, {{ scale }}))
{%- endmacro %}

{% macro postgres__try_cast_decimal(value, precision, scale) -%}
    cast(case
        when {{ full_match('cast(' ~ value ~ ' as text)', "'[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]{1,4})?'") }}
            then case
                when abs(round(cast(cast({{ value }} as text) as numeric), {{ scale }})) < 1e{{ precision - scale }}
                    then cast(cast({{ value }} as text) as decimal({{ precision }}, {{ scale }}))
            end
    end as decimal({{ precision }}, {{ scale }}))
{%- endmacro %}


{#- `value` (text of digits with an optional sign, or an integer) as bigint; null when out of range. -#}
{% macro try_cast_integer(value) -%}
    {{ return(adapter.dispatch('try_cast_integer', 'segmentation')(value)) }}
{%- endmacro %}

{% macro default__try_cast_integer(value) -%}
    try_cast({{ value }} as bigint)
{%- endmacro %}

{% macro postgres__try_cast_integer(value) -%}
    case
        when {{ full_match('cast(' ~ value ~ ' as text)', "'[+-]?[0-9]+'") }}
            then case
                when abs(cast(cast({{ value }} as text) as numeric)) <= 9223372036854775807
                    then cast(cast({{ value }} as text) as bigint)
            end
    end
{%- endmacro %}


{#- `value`, text `YYYY-MM-DD` optionally followed by a space and `HH:MM[:SS[.fraction]]`, as a timestamp;
    null when it is not a real calendar date and time (2022-02-30, 24:00, year 0). -#}
{% macro try_cast_timestamp(value) -%}
    {{ return(adapter.dispatch('try_cast_timestamp', 'segmentation')(value)) }}
{%- endmacro %}

{% macro default__try_cast_timestamp(value) -%}
    try_cast({{ value }} as timestamp)
{%- endmacro %}

{% macro postgres__try_cast_timestamp(value) -%}
    {%- set text = 'cast(' ~ value ~ ' as text)' -%}
    case
        when {{ full_match(text, "'[0-9]{4}-(0[1-9]|1[0-2])-[0-9]{2}( ([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.][0-9]+)?)?)?'") }}
            and left({{ text }}, 4) != '0000'
            then case
                when cast(substr({{ text }}, 9, 2) as integer) between 1 and extract(day from (
                    make_date(cast(left({{ text }}, 4) as integer), cast(substr({{ text }}, 6, 2) as integer), 1)
                    + interval '1 month' - interval '1 day'
                ))
                    then cast({{ text }} as timestamp)
            end
    end
{%- endmacro %}
