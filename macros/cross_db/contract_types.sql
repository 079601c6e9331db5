{#-
    Model contracts on Spark. The contracts' YAML declares text columns as portable `varchar` (DuckDB's
    and PostgreSQL's text type), which Spark accepts only with a length. dbt checks a contract by comparing
    the model's columns with a `select cast(null as <data_type>) ...` of the declared types; on Spark the
    declared `varchar` / `text` become `string` there (seed_column_type), so the check compares like with
    like. Parquet tables take no column constraints (`not_null` exists only on Delta): the not_null data
    tests check the values.
-#}
{% macro spark__get_empty_schema_sql(columns) %}
    {%- set mapped = {} -%}
    {%- for name in columns -%}
        {%- set column = dict(columns[name]) -%}
        {%- if column.get('data_type') is not none -%}
            {%- do column.update({'data_type': segmentation.seed_column_type(column['data_type'])}) -%}
        {%- endif -%}
        {%- do mapped.update({name: column}) -%}
    {%- endfor -%}
    {{ return(default__get_empty_schema_sql(mapped)) }}
{% endmacro %}
