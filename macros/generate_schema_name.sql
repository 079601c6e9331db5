{#-
    Clean schema names: a model configured with `schema: marts` lands in `marts`, not
    `<target_schema>_marts` (dbt's default). Models without a custom schema use the target schema.
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
