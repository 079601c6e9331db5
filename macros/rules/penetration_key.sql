{#- SPEC §4 penetration key of a line (var penetration_grain): its product_line (default) or product_id. -#}
{% macro penetration_key() -%}
    {%- if seg_var('penetration_grain') == 'product' -%} product_id {%- else -%} product_line {%- endif -%}
{%- endmacro %}
