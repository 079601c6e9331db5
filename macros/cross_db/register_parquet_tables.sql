{#-
    run-operation: register folders of Parquet files as tables of schema `schema`, the input of
    `source: warehouse` (SPEC §1: typed or text columns). The files stay where they are.

        dbt run-operation register_parquet_tables --target spark \
            --args '{schema: raw, tables: {transactions: /data/raw/transactions, customers: /data/raw/customers}}'

    Spark: an external table per folder (`create table <schema>.<name> using parquet location '<folder>'`,
    the columns and types read from the files); files added to a folder later are read by the next
    session's queries (an append). A table that already exists stops the operation (nothing is dropped).
    Other engines: not provided (load the files with the engine's own loader).
-#}
{% macro register_parquet_tables(tables, schema='raw') %}
    {{ return(adapter.dispatch('register_parquet_tables', 'segmentation')(tables, schema)) }}
{% endmacro %}

{% macro default__register_parquet_tables(tables, schema) %}
    {{ exceptions.raise_compiler_error(
        "register_parquet_tables is implemented for target type spark only (this is target '" ~ target.name
        ~ "', type " ~ target.type ~ "): load the Parquet files into tables of schema " ~ schema
        ~ " with the engine's own loader, then run with --vars '{source: warehouse, raw_schema: " ~ schema ~ "}'."
    ) }}
{% endmacro %}

{% macro spark__register_parquet_tables(tables, schema) %}
    {%- do run_query('create database if not exists ' ~ schema) -%}
    {%- for name, folder in tables.items() -%}
        {%- do run_query(
            'create table ' ~ schema ~ '.' ~ name ~ " using parquet location '" ~ (folder | replace("'", "\\'")) ~ "'"
        ) -%}
        {{ print('register_parquet_tables: ' ~ schema ~ '.' ~ name ~ ' <- ' ~ folder) }}
    {%- endfor -%}
{% endmacro %}
