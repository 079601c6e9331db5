{#-
    Parsing rules for raw text (SPEC §1). Every raw value is trimmed first with clean_text (blank,
    i.e. empty or whitespace only, means null); the parse_* macros take an already cleaned value and
    return a SQL expression that is null when it does not parse, so the caller can quarantine the row
    with a reason instead of failing the load. Engine differences go through macros/cross_db/.

    `raw_type`: the DuckDB type of the column in a typed input (Parquet; see raw_column_types), none for
    text. A typed value arrives as the text the raw adapter writes for it (raw_value_as_text: exact
    numbers, timestamps with microseconds, tz-aware ones in UTC with `Z`), so it gets the verdict of that
    text; for naive timestamps and dates a cheaper check with the same result is used.
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
    {%- elif t in ['TIMESTAMP WITH TIME ZONE', 'TIMESTAMPTZ'] -%}
        {{ return('timestamptz') }}
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


{#- The staged type of quantities, prices and FX rates: every value SPEC §1 accepts (at most 15 digits
    before the point and 12 after it) fits exactly. 27 digits leave room under the 38-digit ceiling of
    DuckDB, Spark and PostgreSQL decimals for the line amount (see line_amount in
    macros/segmentation/types.sql). -#}
{% macro exact_number_type() -%}
    decimal(27, 12)
{%- endmacro %}


{#-
    SPEC §1 numbers: plain decimal notation with an optional sign and an optional exponent (`12`, `-3.5`,
    `.5`, `1e3`, `1.5E-7`); `NaN`, `inf`, `1,000` and `$12` are invalid. Kept exactly: a value that needs
    more than 12 digits after the decimal point or more than 15 before it to be written exactly is
    invalid (null), never rounded. `0.0000125` needs 7 decimals, `1.50` needs 1, `1e3` none, `1e15`
    16 integer digits (invalid); `0e999` is 0.

    Typed inputs arrive as text too (the raw adapter writes an integer or decimal in plain notation and a
    float as its exact binary value, macros/staging/raw_sources.sql), so every value takes this path:
    the common short form (<= 15 integer digits, <= 12 decimals, no exponent) is cast directly; any other
    valid form is rewritten to its exact plain form from its digits, sign and exponent first
    (parse_decimal_exact), which also keeps an engine's text-to-decimal cast from rounding an exponent form
    or a long mantissa.
    A typed DECIMAL column whose precision and scale keep every value within the limits (the common
    Parquet case) is cast without the pattern checks: same values, no regular expressions.
    The outer cast states the type: PostgreSQL drops a numeric's precision and scale from a CASE without
    an ELSE (its implicit ELSE NULL is an untyped numeric), and a contracted incremental table's batch must
    have the declared type (on_schema_change='fail' compares them). DuckDB and Spark drop a cast to the
    type a value already has.
-#}
{% macro parse_decimal(column, raw_type=none) -%}
    {%- set t = (raw_type or '') | upper | replace(' ', '') -%}
    {%- set digits = t[8:-1].split(',') if raw_type_kind(raw_type) == 'decimal' and t.endswith(')') else [] -%}
    {%- if digits | length == 2 and (digits[1] | int) <= 12 and (digits[0] | int) - (digits[1] | int) <= 15 -%}
    {#- a typed DECIMAL(p, s) with s <= 12 and p - s <= 15: every value is within the limits and arrives in
        plain notation, so the short form's cast applies to all of them (no pattern to match) -#}
    cast({{ try_cast_decimal(column, 27, 12) }} as {{ exact_number_type() }})
    {%- else -%}
    cast(case
        when {{ full_match(column, "'[+-]?([0-9]{1,15}([.][0-9]{0,12})?|[.][0-9]{1,12})'") }}
            then {{ try_cast_decimal(column, 27, 12) }}
        when {{ full_match(column, "'[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?'") }}
            then {{ parse_decimal_exact(column) }}
    end as {{ exact_number_type() }})
    {%- endif -%}
{%- endmacro %}


{#- The general case of parse_decimal, for a value already known to be in number syntax. Built from plain
    string functions (split_part, SQL-standard trim of '0', length), each part a small expression over the
    value, so the whole stays linear in size: an engine without common-subexpression elimination
    (PostgreSQL, which also copies a CTE column's expression into every use) evaluates a few dozen cheap
    calls, not nested regexps re-inlined into each other.
    - `mantissa` / `exponent_text`: the parts before and after `e` (`exponent_text` '' when none);
      `integer_digits` / `fraction_digits`: the mantissa's digits before and after the point, unsigned;
    - `nonzero`: the digits (integer then fraction) without leading zeros; `significant`: also without
      trailing zeros ('' for a zero);
    - `point`: how many digits of `significant` stand before the decimal point once the exponent is
      applied (<= 0: it starts after the point); `decimals`: how many stand after it.
    Within the SPEC limits (point <= 15, decimals <= 12) the value is written as 27 digits, 15 before the
    point and 12 after it (zeros before `significant` up to its place, zeros after to fill), and cast:
    the cast is exact by construction. An exponent with more than 9 digits (after its leading zeros) is
    out of every limit unless the value is zero. -#}
{% macro parse_decimal_exact(column) -%}
    {%- set lowered = 'lower(' ~ column ~ ')' -%}
    {%- set mantissa = 'split_part(' ~ lowered ~ ", 'e', 1)" -%}
    {%- set exponent_text = 'split_part(' ~ lowered ~ ", 'e', 2)" -%}
    {%- set integer_digits = "replace(replace(split_part(" ~ mantissa ~ ", '.', 1), '+', ''), '-', '')" -%}
    {%- set fraction_digits = 'split_part(' ~ mantissa ~ ", '.', 2)" -%}
    {%- set nonzero = "trim(leading '0' from " ~ integer_digits ~ ' || ' ~ fraction_digits ~ ')' -%}
    {%- set significant = "trim(trailing '0' from " ~ nonzero ~ ')' -%}
    {%- set exponent_digits = "trim(leading '0' from replace(replace(" ~ exponent_text ~ ", '+', ''), '-', ''))" -%}
    {%- set exponent = 'coalesce(cast(nullif(' ~ exponent_text ~ ", '') as bigint), 0)" -%}
    {%- set point = '(length(' ~ nonzero ~ ') - length(' ~ fraction_digits ~ ') + ' ~ exponent ~ ')' -%}
    {%- set decimals = '(length(' ~ significant ~ ') - ' ~ point ~ ')' -%}
    {%- set digits27 = "rpad(repeat('0', cast(15 - " ~ point ~ ' as integer)) || ' ~ significant ~ ", 27, '0')" -%}
    case
        when {{ significant }} = '' then cast(0 as {{ exact_number_type() }})
        when length({{ exponent_digits }}) > 9 then null
        when {{ point }} <= 15 and {{ decimals }} <= 12
            then cast(
                case when left({{ column }}, 1) = '-' then '-' else '' end
                || left({{ digits27 }}, 15) || '.' || right({{ digits27 }}, 12)
                as {{ exact_number_type() }}
            )
    end
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


{#-
    SPEC §1 timestamps: ISO `YYYY-MM-DD`, optionally followed (space or `T`) by `HH:MM`, `HH:MM:SS` or
    `HH:MM:SS.fraction`, then optionally by a UTC offset `Z` or `±HH:MM` (only after a time; `T` and `Z`
    upper case; offsets within ±23:59). A real calendar date (`2022-02-30` is invalid), hours 00-23,
    minutes and seconds 00-59, year 0001 or later; digits past the microsecond are dropped (truncated).
    SPEC §0: a value with an offset is converted to var reporting_timezone (IANA, default UTC) before its
    date is taken; one without is taken as already local. The result is a timestamp without time zone:
    the wall time in the reporting time zone.

    Typed inputs arrive as text written by the raw adapter: a TIMESTAMP as `YYYY-MM-DD HH:MM:SS.ffffff`
    (26 characters; a cheaper check, same verdict), a DATE as `YYYY-MM-DD`, a TIMESTAMP WITH TIME ZONE as
    its UTC wall time followed by `Z` (so it takes the offset path and is converted).
-#}
{% macro parse_timestamp(column, raw_type=none) -%}
    {%- set kind = raw_type_kind(raw_type) -%}
    {%- if kind in ['timestamp', 'date'] -%}
        case
            when
                length({{ column }}) = {{ 26 if kind == 'timestamp' else 10 }}
                and ascii({{ column }}) between 48 and 57
                and not {{ starts_with(column, "'0000'") }}
                then {{ try_cast_timestamp(column) }}
        end
    {%- else -%}
        {%- set n = 'length(' ~ column ~ ')' -%}
        {%- set has_z = 'right(' ~ column ~ ", 1) = 'Z'" -%}
        {%- set has_offset = '(' ~ n ~ ' > 10 and substr(' ~ column ~ ', ' ~ n ~ " - 5, 1) in ('+', '-'))" -%}
        {%- set local_text = "left(replace(case when " ~ has_z ~ ' then left(' ~ column ~ ', ' ~ n ~ ' - 1) when '
            ~ has_offset ~ ' then left(' ~ column ~ ', ' ~ n ~ ' - 6) else ' ~ column ~ " end, 'T', ' '), 26)" -%}
        {%- set offset_minutes = '(case when ' ~ has_z ~ ' then 0 else (case when substr(' ~ column ~ ', ' ~ n
            ~ " - 5, 1) = '-' then -1 else 1 end) * (cast(substr(" ~ column ~ ', ' ~ n ~ ' - 4, 2) as integer) * 60 '
            ~ '+ cast(substr(' ~ column ~ ', ' ~ n ~ ' - 1, 2) as integer)) end)' -%}
        {%- set utc = dbt.dateadd('minute', '-1 * ' ~ offset_minutes, try_cast_timestamp(local_text)) -%}
        case
            when
                {{ full_match(column, "'" ~ timestamp_pattern() ~ "'") }}
                and not {{ starts_with(column, "'0000'") }}
                then case
                    when {{ has_z }} or {{ has_offset }}
                        then {{ to_reporting_timezone(utc) }}
                    else {{ try_cast_timestamp(local_text) }}
                end
        end
    {%- endif -%}
{%- endmacro %}


{#- The SPEC §1 timestamp syntax (without anchors; calendar validity is checked by the cast). -#}
{% macro timestamp_pattern() -%}
    [0-9]{4}-[0-9]{2}-[0-9]{2}([ T]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.][0-9]+)?)?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])?)?
{%- endmacro %}


{#- A UTC wall time as the wall time of var reporting_timezone (nothing to do for UTC). -#}
{% macro to_reporting_timezone(utc_timestamp) -%}
    {%- if seg_var('reporting_timezone') == 'UTC' -%}
        {{ utc_timestamp }}
    {%- else -%}
        {{ utc_to_timezone(utc_timestamp, seg_var_sql('reporting_timezone')) }}
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

