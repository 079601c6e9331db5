{#- True when text `value` begins with the text `prefix` (both SQL expressions). -#}
{% macro starts_with(value, prefix) -%}
    {{ return(adapter.dispatch('starts_with', 'segmentation')(value, prefix)) }}
{%- endmacro %}

{% macro default__starts_with(value, prefix) -%}
    (left({{ value }}, length({{ prefix }})) = {{ prefix }})
{%- endmacro %}

{% macro duckdb__starts_with(value, prefix) -%}
    starts_with({{ value }}, {{ prefix }})
{%- endmacro %}

{% macro postgres__starts_with(value, prefix) -%}
    starts_with({{ value }}, {{ prefix }})
{%- endmacro %}
