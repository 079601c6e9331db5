{#-
    Parsing rules for raw text (SPEC §1). Every raw value is trimmed first with clean_text (blank,
    i.e. empty or whitespace only, means null); the parse_* macros take an already cleaned value and
    return a SQL expression that is null when it does not parse, so the caller can quarantine the row
    with a reason instead of failing the load.
-#}

{#- ASCII whitespace trimmed from both ends: space, tab, LF, VT, FF, CR. Trimming with a character list
    is slow, so it only runs on the few values that start or end with whitespace. -#}
{% macro clean_text(column) -%}
    nullif(
        case
            when regexp_matches(cast({{ column }} as varchar), '^[ \t\n\v\f\r]|[ \t\n\v\f\r]$')
                then trim(cast({{ column }} as varchar), ' ' || chr(9) || chr(10) || chr(11) || chr(12) || chr(13))
            else cast({{ column }} as varchar)
        end,
        ''
    )
{%- endmacro %}


{#- Plain decimal notation with optional sign and exponent (`12`, `-3.5`, `1e3`, `.5`); `NaN`, `inf`,
    `1,000` and `$12` are invalid. Cast exactly to DECIMAL(precision, scale); a value that does not fit
    is invalid too. -#}
{% macro parse_decimal(column, precision=18, scale=6) -%}
    case
        when regexp_full_match({{ column }}, '[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?')
            then try_cast({{ column }} as decimal({{ precision }}, {{ scale }}))
    end
{%- endmacro %}


{#- An integer written as digits with an optional sign (`12`; `12.0` and `1e3` are not integers). -#}
{% macro parse_integer(column) -%}
    case
        when regexp_full_match({{ column }}, '[+-]?[0-9]+')
            then try_cast({{ column }} as bigint)
    end
{%- endmacro %}


{#- ISO `YYYY-MM-DD`, optionally followed (space or `T`) by `HH:MM` or `HH:MM:SS`; a real calendar date
    (`2022-02-30` is invalid), hours 00-23, minutes and seconds 00-59, year 0001 or later. -#}
{% macro parse_timestamp(column) -%}
    case
        when
            regexp_full_match(
                {{ column }},
                '[0-9]{4}-[0-9]{2}-[0-9]{2}([ T]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?)?'
            )
            and not starts_with({{ column }}, '0000')
            then try_cast(replace({{ column }}, 'T', ' ') as timestamp)
    end
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


{#- SPEC §5: size band from employee_count. -#}
{% macro size_band(employee_count) -%}
    case
        when {{ employee_count }} < 50 then 'small'
        when {{ employee_count }} < 250 then 'mid'
        when {{ employee_count }} < 1000 then 'large'
        when {{ employee_count }} >= 1000 then 'enterprise'
        else 'unknown'
    end
{%- endmacro %}
