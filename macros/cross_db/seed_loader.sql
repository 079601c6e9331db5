{#-
    Seed loading on Spark (dbt-spark's own loader, overridden for two defects of session mode):
    - column types: the seed YAML declares text columns as portable `varchar`, which Spark only accepts
      with a length; `seed_column_type` maps `varchar` / `text` without a length to Spark's `string`.
    - values: dbt-spark binds every cell as `'{value}'` in Python, so a blank cell (None) is stored as the
      text 'None' and a quote or backslash in a cell breaks the statement. `spark__load_csv_rows` writes
      each cell as an escaped SQL literal instead, and a blank cell as null (as on DuckDB).
    Other engines keep dbt's default loaders: these are `spark__` implementations only.
-#}
{% macro seed_column_type(data_type) -%}
    {{ return(adapter.dispatch('seed_column_type', 'segmentation')(data_type)) }}
{%- endmacro %}

{% macro default__seed_column_type(data_type) -%}
    {{ return(data_type) }}
{%- endmacro %}

{% macro spark__seed_column_type(data_type) -%}
    {{ return(segmentation.contract_type(data_type)) }}
{%- endmacro %}

{% macro spark_seed_literal(value) -%}
    {%- if value is none -%}
        null
    {%- else -%}
        '{{ (value | string) | replace("\\", "\\\\") | replace("'", "\\'") }}'
    {%- endif -%}
{%- endmacro %}

{% macro spark__create_csv_table(model, agate_table) %}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set quote_seed_column = model['config'].get('quote_columns', None) -%}
    {% set sql %}
        create table {{ this.render() }} (
            {%- for col_name in agate_table.column_names -%}
                {%- set inferred_type = adapter.convert_type(agate_table, loop.index0) -%}
                {%- set type = segmentation.seed_column_type(column_override.get(col_name, inferred_type)) -%}
                {%- set column_name = (col_name | string) -%}
                {{ adapter.quote_seed_column(column_name, quote_seed_column) }} {{ type }}
                {%- if not loop.last -%}, {% endif -%}
            {%- endfor -%}
        )
        {{ file_format_clause() }}
        {{ partition_cols(label="partitioned by") }}
        {{ clustered_cols(label="clustered by") }}
        {{ location_clause() }}
        {{ comment_clause() }}
    {% endset %}
    {% call statement('_') -%}
        {{ sql }}
    {%- endcall %}
    {{ return(sql) }}
{% endmacro %}

{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set types = [] -%}
    {%- for col_name in agate_table.column_names -%}
        {%- set inferred_type = adapter.convert_type(agate_table, loop.index0) -%}
        {%- do types.append(segmentation.seed_column_type(column_override.get(col_name, inferred_type))) -%}
    {%- endfor -%}
    {%- if var('spark_seed_reader', 'csv') == 'csv' -%}
        {{ return(segmentation.spark_seed_rows_from_csv_reader(agate_table, types)) }}
    {%- endif -%}
    {{ return(segmentation.spark_seed_rows_as_literals(agate_table, types)) }}
{% endmacro %}

{#-
    Default (var `spark_seed_reader`: csv; the seed files are readable by the executors, as in session mode
    and on the project's loopback cluster): Spark's own CSV reader reads the seed
    file (RFC 4180, quoted line breaks) in one job, instead of thousands of literals parsed by the SQL
    parser (35,763 demo lines: ~100 s as literals, seconds this way). Blank and `null` cells are null, as
    in dbt's agate reader that every other engine's seed loader uses (text cells are otherwise unchanged).
-#}
{% macro spark_seed_rows_from_csv_reader(agate_table, types) %}
    {%- set view_name = 'seed_csv__' ~ this.identifier -%}
    {%- set path = agate_table.original_abspath -%}
    {% call statement('seed_csv_view') -%}
        create or replace temporary view {{ view_name }}
        using csv
        options (
            path '{{ path | replace("\\", "\\\\") | replace("'", "\\'") }}',
            header 'true',
            multiLine 'true',
            quote '"',
            escape '"',
            encoding 'UTF-8',
            inferSchema 'false',
            mode 'FAILFAST'
        )
    {%- endcall %}
    {% set sql %}
        insert into {{ this.render() }}
        select
            {%- for col_name in agate_table.column_names %}
            cast(
                case
                    when lower(regexp_replace(`{{ col_name }}`, '^\\s+|\\s+$', '')) in ('', 'null') then null
                    else `{{ col_name }}`
                end as {{ types[loop.index0] }}
            ){%- if not loop.last %},{% endif %}
            {%- endfor %}
        from {{ view_name }}
    {% endset %}
    {% do adapter.add_query(sql, abridge_sql_log=True) %}
    {% call statement('seed_csv_view_drop') -%}
        drop view if exists {{ view_name }}
    {%- endcall %}
    {{ return(sql) }}
{% endmacro %}

{#- Var `spark_seed_reader: literals` (thrift / Databricks: the seed file is not on the cluster): escaped literals. -#}
{% macro spark_seed_rows_as_literals(agate_table, types) %}
    {% set batch_size = get_batch_size() %}
    {% set statements = [] %}
    {% for chunk in agate_table.rows | batch(batch_size) %}
        {% set sql %}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                ({%- for value in row -%}
                    cast({{ segmentation.spark_seed_literal(value) }} as {{ types[loop.index0] }})
                    {%- if not loop.last %}, {% endif -%}
                {%- endfor -%})
                {%- if not loop.last %},{% endif %}
            {% endfor %}
        {% endset %}
        {% do adapter.add_query(sql, abridge_sql_log=True) %}
        {% if loop.index0 == 0 %}
            {% do statements.append(sql) %}
        {% endif %}
    {% endfor %}
    {{ return(statements[0]) }}
{% endmacro %}

{#- Rows per insert statement: Spark parses a long VALUES list slowly (superlinearly). -#}
{% macro spark__get_batch_size() -%}
    {{ return(var('spark_seed_batch_size', 10000)) }}
{%- endmacro %}
