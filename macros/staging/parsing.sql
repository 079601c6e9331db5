{#-
    Parsing rules for raw text (SPEC §1). Every raw value is trimmed first with clean_text (blank,
    i.e. empty or whitespace only, means null); the parse_* macros take an already cleaned value and
    return a SQL expression that is null when it does not parse, so the caller can quarantine the row
    with a reason instead of failing the load.

    `raw_type`: the DuckDB type of the column in a typed input (Parquet; see raw_column_types), none for
    text. A typed value's text is written by DuckDB itself, so some checks have a known answer and are
    skipped (same result, less work): it never has surrounding whitespace or is blank, an integer or
    decimal is always in plain notation, and a timestamp (written `YYYY-MM-DD HH:MM:SS` by the raw
    adapter) or date is ISO with a 4-digit year exactly when its text has 19 or 10 characters.
-#}

{#- The kind of a raw column's DuckDB type: integer, decimal, number (float), timestamp, date, boolean or
    none (text, or a type without a fast path). -#}
{% macro raw_type_kind(raw_type) %}
    {%- set t = (raw_type or '') | upper -%}
    {%- if t in ['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT', 'UHUGEINT'] -%}
        {{ return('integer') }}
    {%- elif t.startswith('DECIMAL') -%}
        {{ return('decimal') }}
    {%- elif t in ['FLOAT', 'DOUBLE'] -%}
        {{ return('number') }}
    {%- elif t in ['TIMESTAMP', 'TIMESTAMP_S', 'TIMESTAMP_MS', 'TIMESTAMP_NS'] -%}
        {{ return('timestamp') }}
    {%- elif t == 'DATE' -%}
        {{ return('date') }}
    {%- elif t == 'BOOLEAN' -%}
        {{ return('boolean') }}
    {%- endif -%}
    {{ return(none) }}
{% endmacro %}


{#- ASCII whitespace trimmed from both ends: space, tab, LF, VT, FF, CR. Trimming with a character list
    is slow, so it only runs on the values whose first or last character is a control character or a
    space (a cheap test; the trim itself removes only the six whitespace characters). -#}
{% macro clean_text(column, raw_type=none) -%}
    {%- if raw_type_kind(raw_type) is not none -%}
        cast({{ column }} as {{ type_text() }})
    {%- else -%}
        {%- set text = 'cast(' ~ column ~ ' as ' ~ type_text() ~ ')' -%}
        nullif(
            case
                when ascii({{ text }}) <= 32 or ascii(right({{ text }}, 1)) <= 32
                    then {{ trim_chars(text, "' ' || chr(9) || chr(10) || chr(11) || chr(12) || chr(13)") }}
                else {{ text }}
            end,
            ''
        )
    {%- endif -%}
{%- endmacro %}


{#- Plain decimal notation with optional sign and exponent (`12`, `-3.5`, `1e3`, `.5`); `NaN`, `inf`,
    `1,000` and `$12` are invalid. Cast exactly to DECIMAL(precision, scale); a value that does not fit
    is invalid too. -#}
{% macro parse_decimal(column, precision=18, scale=6, raw_type=none) -%}
    {%- if raw_type_kind(raw_type) in ['integer', 'decimal'] -%}
        {{ try_cast_decimal(column, precision, scale) }}
    {%- else -%}
        cast(
            case
                when {{ full_match(column, "'[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?'") }}
                    then {{ try_cast_decimal(column, precision, scale) }}
            end
            as decimal({{ precision }}, {{ scale }})
        )
    {%- endif -%}
{%- endmacro %}


{#- An integer written as digits with an optional sign (`12`; `12.0` and `1e3` are not integers). -#}
{% macro parse_integer(column, raw_type=none) -%}
    {%- if raw_type_kind(raw_type) == 'integer' -%}
        {{ try_cast_integer(column) }}
    {%- else -%}
        case
            when {{ full_match(column, "'[+-]?[0-9]+'") }}
                then {{ try_cast_integer(column) }}
        end
    {%- endif -%}
{%- endmacro %}


{#- ISO `YYYY-MM-DD`, optionally followed (space or `T`) by `HH:MM` or `HH:MM:SS`; a real calendar date
    (`2022-02-30` is invalid), hours 00-23, minutes and seconds 00-59, year 0001 or later. -#}
{% macro parse_timestamp(column, raw_type=none) -%}
    {%- set kind = raw_type_kind(raw_type) -%}
    {%- if kind in ['timestamp', 'date'] -%}
        case
            when
                length({{ column }}) = {{ 19 if kind == 'timestamp' else 10 }}
                and ascii({{ column }}) between 48 and 57
                and not {{ starts_with(column, "'0000'") }}
                then {{ try_cast_timestamp(column) }}
        end
    {%- else -%}
    case
        when
            {{ full_match(column, "'[0-9]{4}-[0-9]{2}-[0-9]{2}([ T]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?)?'") }}
            and not {{ starts_with(column, "'0000'") }}
            then {{ try_cast_timestamp("replace(" ~ column ~ ", 'T', ' ')") }}
    end
    {%- endif -%}
{%- endmacro %}


{#- A boolean: true/t/yes/y/1 or false/f/no/n/0 (any case); blank or anything else gives `default`. -#}
{% macro parse_boolean(column, default) -%}
    case
        when lower({{ column }}) in ('true', 't', 'yes', 'y', '1') then true
        when lower({{ column }}) in ('false', 'f', 'no', 'n', '0') then false
        else {{ default }}
    end
{%- endmacro %}


{#- Currency code: trimmed, upper-cased; blank means the reporting currency. -#}
{% macro parse_currency(column) -%}
    coalesce(upper({{ column }}), {{ seg_var_sql('reporting_currency') }})
{%- endmacro %}

