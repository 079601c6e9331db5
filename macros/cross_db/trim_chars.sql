{#- `value` with every character of the text `characters` removed from both ends. Spark's two-argument
    trim(str, chars) runs but is not this (it returns '' for trim(' ab\t', ' \t')): the SQL standard
    `trim(both .. from ..)` form is used there. -#}
{% macro trim_chars(value, characters) -%}
    {{ return(adapter.dispatch('trim_chars', 'segmentation')(value, characters)) }}
{%- endmacro %}

{% macro default__trim_chars(value, characters) -%}
    trim(both {{ characters }} from {{ value }})
{%- endmacro %}

{% macro duckdb__trim_chars(value, characters) -%}
    trim({{ value }}, {{ characters }})
{%- endmacro %}

{% macro postgres__trim_chars(value, characters) -%}
    btrim({{ value }}, {{ characters }})
{%- endmacro %}
