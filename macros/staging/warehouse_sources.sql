{#-
    Raw input from tables already in the warehouse (var `source: warehouse`; SPEC §1): the four tables of
    source('warehouse', ...) (models/staging/warehouse/_warehouse__sources.yml: schema var raw_schema,
    database var raw_database, names var raw_tables). Each column is read as text and typed by the shared
    staging layer like CSV text, so a typed column (integer, numeric, date, timestamp) is parsed from the
    engine's text form of it (plain digits, `YYYY-MM-DD`, `YYYY-MM-DD HH:MM:SS`).

    Row position (SPEC §1, tables): a table has no file order, so source_row_number is the row's rank
    ordered by the raw values of the eight transactions columns as text in byte order (binary collation on
    every engine: collate_binary), nulls first; identical rows are interchangeable. The same rows give the
    same positions on every engine.
-#}

{#- The relation of source('warehouse', entity), or none when it does not exist. Raises, naming the table
    and the vars, when the required transactions table is missing. -#}
{% macro warehouse_relation(entity) %}
    {%- set declared = source('warehouse', entity) -%}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set found = adapter.get_relation(database=declared.database, schema=declared.schema, identifier=declared.identifier) -%}
    {%- if found is none and entity == 'transactions' -%}
        {{ exceptions.raise_compiler_error(
            "source: warehouse reads the raw transactions from the table " ~ declared
            ~ ", which does not exist (target '" ~ target.name ~ "'). Load the table there (SPEC §1 columns: "
            ~ "invoice_id, line_number, customer_id, invoiced_at, product_id, quantity, unit_price, currency), "
            ~ "or point the vars at it: --vars '{source: warehouse, raw_schema: <schema>, raw_database: <database>, "
            ~ "raw_tables: {transactions: <table>}}'."
        ) }}
    {%- endif -%}
    {%- if found is none -%}
        {{ log("source: warehouse: optional table " ~ declared ~ " does not exist: no " ~ entity ~ " rows", info=true) }}
    {%- endif -%}
    {{ return(found) }}
{% endmacro %}


{#- {canonical column name: the table's column name} (canonical_column_map in raw_sources.sql: names
    matched case-insensitively after trimming; a duplicate name or a missing required column stops the run
    naming the table and the column(s)). -#}
{% macro warehouse_column_map(relation, entity) %}
    {%- set names = [] -%}
    {%- for column in adapter.get_columns_in_relation(relation) -%}
        {%- do names.append(column.name) -%}
    {%- endfor -%}
    {%- set mapping = {} -%}
    {%- for name, found in canonical_column_map("Raw table " ~ relation, names, entity).items() -%}
        {%- do mapping.update({name: found['column']}) -%}
    {%- endfor -%}
    {{ return(mapping) }}
{% endmacro %}


{#- The select of the warehouse adapter for one entity: source_file, source_row_number, malformed_row
    (always false: a table has no malformed records) and every canonical column as text (null when the table lacks an optional column; no rows when an optional
    table is absent). -#}
{% macro warehouse_raw_select(entity) -%}
    {%- set columns = raw_columns(entity) -%}
    {%- set relation = warehouse_relation(entity) -%}
    {%- if relation is none -%}
        select
            cast(null as {{ type_text() }}) as source_file,
            cast(null as bigint) as source_row_number,
            false as malformed_row,
            {%- for name, required in columns %}
                cast(null as {{ type_text() }}) as {{ name }}{{ ',' if not loop.last }}
            {%- endfor %}
        where 1 = 0
    {%- else -%}
        {%- set mapping = warehouse_column_map(relation, entity) -%}
        with raw_text as (
            select
                {%- for name, required in columns %}
                    {%- if name in mapping %}
                        cast({{ adapter.quote(mapping[name]) }} as {{ type_text() }}) as {{ name }}
                    {%- else %}
                        cast(null as {{ type_text() }}) as {{ name }}
                    {%- endif %}{{ ',' if not loop.last }}
                {%- endfor %}
            from {{ source('warehouse', entity) }}
        )

        select
            'table:{{ relation.schema }}.{{ relation.identifier }}' as source_file,
            row_number() over (
                order by
                {%- for name, required in columns %}
                    {{ collate_binary(name) }} nulls first{{ ',' if not loop.last }}
                {%- endfor %}
            ) as source_row_number,
            false as malformed_row,
            {%- for name, required in columns %}
                {{ name }}{{ ',' if not loop.last }}
            {%- endfor %}
        from raw_text
    {%- endif -%}
{%- endmacro %}
