{#-
    Contract column types, one spelling for every engine. The models' YAML declares portable SQL type
    names (`text`, `bigint`, `integer`, `boolean`, `date`, `timestamp`, `double precision`,
    `decimal(p, s)`); `contract_type(declared)` gives the engine's own name for each, and each engine's
    contract check goes through it:
    - DuckDB and PostgreSQL accept every declared name as written (`text` is DuckDB's `varchar`);
    - Spark has no `text`, `varchar` without a length or `double precision`: they become `string` and
      `double` (`integer` is Spark's `int`, `bigint` its `bigint`, `decimal(p, s)` as written).
    dbt checks a contract by comparing the model's columns with a `select cast(null as <data_type>) ...`
    of the declared types (get_empty_schema_sql); on Spark the declared types pass through
    `contract_type` there, so the check compares like with like. Integer columns are declared `bigint`
    and the models yield `bigint` on every engine (Spark's row_number() and date arithmetic give `int`:
    the spark__ variants of insertion_position / months_between cast to bigint).
    Parquet tables take no column constraints (`not_null` exists only on Delta): the not_null data tests
    check the values.
-#}
{% macro contract_type(declared) -%}
    {{ return(adapter.dispatch('contract_type', 'segmentation')(declared)) }}
{%- endmacro %}

{% macro default__contract_type(declared) -%}
    {{ return(declared) }}
{%- endmacro %}

{% macro spark__contract_type(declared) -%}
    {%- set name = declared | trim | lower -%}
    {%- if name in ['varchar', 'text', 'character varying', 'string'] -%}
        {{ return('string') }}
    {%- elif name in ['double precision', 'float8', 'double'] -%}
        {{ return('double') }}
    {%- elif name in ['integer', 'int4', 'int'] -%}
        {{ return('int') }}
    {%- elif name in ['int8'] -%}
        {{ return('bigint') }}
    {%- endif -%}
    {{ return(declared) }}
{%- endmacro %}

{% macro spark__get_empty_schema_sql(columns) %}
    {%- set mapped = {} -%}
    {%- for name in columns -%}
        {%- set column = dict(columns[name]) -%}
        {%- if column.get('data_type') is not none -%}
            {%- do column.update({'data_type': segmentation.contract_type(column['data_type'])}) -%}
        {%- endif -%}
        {%- do mapped.update({name: column}) -%}
    {%- endfor -%}
    {{ return(default__get_empty_schema_sql(mapped)) }}
{% endmacro %}

{#- Unit tests: dbt writes the fixture rows of a contracted input as `safe_cast(value, <declared type>)`
    with the types of its YAML; on Spark those pass through contract_type too (dbt-spark's own
    spark__safe_cast, plus the mapping). -#}
{% macro spark__safe_cast(field, type) %}
    {%- set field_clean = field.strip('"').strip("'") if (cast_from_string_unsupported_for(type) and field is string) else field -%}
    cast({{ field_clean }} as {{ segmentation.contract_type(type) }})
{%- endmacro %}

{#- `not_null` constraints on Spark. dbt-spark declares contract constraints only on Delta tables; on the
    project's Parquet tables it skipped them silently, so a null in a column the contract says is not null
    reached the marts unnoticed (and with dbt-spark's ANSI mode forced off, an arithmetic overflow is
    null, not an error: docs/engines.md "Exact numbers on Spark"). Here, after a contracted Parquet table
    is created (a table, or an incremental model's first or full-refresh build), one query counts the nulls
    of its not_null columns and a column with any fails the model, naming it. Delta keeps dbt-spark's own
    constraints. -#}
{% macro spark__persist_constraints(relation, model) %}
    {%- set contract_config = config.get('contract') -%}
    {%- if contract_config.enforced and config.get('file_format', 'delta') == 'delta' -%}
        {% do alter_table_add_constraints(relation, model.constraints) %}
        {% do alter_column_set_constraints(relation, model.columns) %}
    {%- elif contract_config.enforced -%}
        {% do segmentation.check_not_null_constraints(relation, model) %}
    {%- endif -%}
{% endmacro %}

{% macro check_not_null_constraints(relation, model) %}
    {%- set columns = [] -%}
    {%- for name, column in model.columns.items() -%}
        {%- for constraint in column.get('constraints', []) -%}
            {%- if constraint.get('type') == 'not_null' and name not in columns -%}
                {%- do columns.append(name) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- if columns and execute -%}
        {%- set sql -%}
            select
            {%- for name in columns %}
                count(case when {{ adapter.quote(name) }} is null then 1 end) as {{ adapter.quote(name) }}{{ ',' if not loop.last }}
            {%- endfor %}
            from {{ relation }}
        {%- endset -%}
        {%- set counts = run_query(sql).rows[0] -%}
        {%- set nulls = [] -%}
        {%- for name in columns -%}
            {%- if counts[loop.index0] > 0 -%}
                {%- do nulls.append(name ~ ' (' ~ counts[loop.index0] ~ ' rows)') -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if nulls -%}
            {{ exceptions.raise_compiler_error(
                "Contract of " ~ model.name ~ ": null values in not_null column(s) " ~ (nulls | join(', '))
                ~ " of " ~ relation ~ ". Parquet tables on Spark take no constraints, so the project checks them"
                ~ " after the build; with ANSI mode off (dbt-spark forces it) an arithmetic overflow is one way"
                ~ " to get a null here (docs/engines.md, Exact numbers on Spark)."
            ) }}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}
