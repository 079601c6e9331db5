{#-
    Raw input relations (SPEC §1). Every source adapter (models/staging/<source>/) returns the raw rows
    as text in one column contract, so the shared typing and quarantine layer (models/staging/core/)
    does not care where the rows came from.
-#}

{#- The canonical raw columns per entity: (name, required). -#}
{% macro raw_columns(entity) %}
    {%- set columns = {
        'transactions': [
            ('invoice_id', true), ('line_number', false), ('customer_id', true), ('invoiced_at', true),
            ('product_id', true), ('quantity', true), ('unit_price', true), ('currency', false),
        ],
        'customers': [
            ('customer_id', true), ('company_name', false), ('industry', false), ('country', false),
            ('employee_count', false),
        ],
        'products': [
            ('product_id', true), ('product_name', false), ('product_line', false), ('is_core', false),
        ],
        'fx_rates': [('month', true), ('currency', true), ('rate_to_reporting', true)],
    } -%}
    {%- if entity not in columns -%}
        {{ exceptions.raise_compiler_error("raw_columns: unknown raw entity '" ~ entity ~ "'") }}
    {%- endif -%}
    {{ return(columns[entity]) }}
{% endmacro %}


{#-
    The columns of a raw input mapped to the canonical columns of `entity` (SPEC §1): names are matched
    trimmed and in lower case, in any order; unknown columns are ignored. `names` are the column names as
    written, in order; `label` names the input in errors ("Raw file <path>", "Raw table <relation>").
    Returns {canonical name: {'column': the name as written, 'index': its 1-based position}}. A name
    written twice (`Invoice_ID` and `invoice_id `) or a missing required column stops the build; an input
    with no columns at all (an empty optional CSV file) maps to nothing. One macro for files and tables.
-#}
{% macro canonical_column_map(label, names, entity) %}
    {%- set seen = {} -%}
    {%- set duplicates = [] -%}
    {%- for name in names -%}
        {%- set key = name | trim | lower -%}
        {%- if key != '' and key in seen -%}
            {%- do duplicates.append("'" ~ seen[key]['column'] ~ "' (column " ~ seen[key]['index'] ~ ") and '" ~ name ~ "' (column " ~ loop.index ~ ")") -%}
        {%- elif key != '' -%}
            {%- do seen.update({key: {'column': name, 'index': loop.index}}) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if duplicates -%}
        {{ exceptions.raise_compiler_error(
            label ~ " has two columns with the same name (names are compared trimmed and "
            ~ "case-insensitively): " ~ (duplicates | join('; ')) ~ ". Rename or drop one of them."
        ) }}
    {%- endif -%}
    {%- set mapping = {} -%}
    {%- set missing = [] -%}
    {%- for name, required in raw_columns(entity) -%}
        {%- if name in seen -%}
            {%- do mapping.update({name: seen[name]}) -%}
        {%- elif required and names | length > 0 -%}
            {%- do missing.append(name) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if missing -%}
        {{ exceptions.raise_compiler_error(
            label ~ " is missing required column(s): " ~ (missing | join(', '))
            ~ ". Found columns: " ~ (names | join(', '))
            ~ ". See SPEC §1 / README 'Use your own data' for the expected " ~ entity ~ " columns."
        ) }}
    {%- endif -%}
    {{ return(mapping) }}
{% endmacro %}


{#- The engines that read raw_data_path files (DuckDB's readers; the Spark adapter adds Parquet). -#}
{% macro raw_file_engines() %}
    {{ return(['duckdb', 'spark']) }}
{% endmacro %}


{#- The adapter model of the selected source (var `source`) for an entity. -#}
{% macro raw_source(entity) -%}
    {{ ref('stg_' ~ seg_var('source') ~ '__' ~ entity) }}
{%- endmacro %}


{#-
    The file for `entity` in the folder `raw_data_path`: `<entity>.csv`, `<entity>.csv.gz` or
    `<entity>.parquet`. Returns none when there is none (allowed for every entity but transactions).
-#}
{% macro find_raw_file(folder, entity) %}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set base = folder.rstrip('/') ~ '/' ~ entity -%}
    {%- set candidates = [base ~ '.csv', base ~ '.csv.gz', base ~ '.parquet'] -%}
    {%- set found = [] -%}
    {%- for file in list_raw_files(folder, entity) -%}
        {%- if file in candidates -%}
            {%- do found.append(file) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if found | length > 1 -%}
        {{ exceptions.raise_compiler_error(
            "raw_data_path '" ~ folder ~ "' holds more than one " ~ entity ~ " file (" ~ (found | join(', '))
            ~ "): keep exactly one of " ~ entity ~ ".csv, " ~ entity ~ ".csv.gz or " ~ entity ~ ".parquet."
        ) }}
    {%- endif -%}
    {%- if found | length == 0 and entity == 'transactions' -%}
        {{ exceptions.raise_compiler_error(
            "raw_data_path '" ~ folder ~ "' has no transactions file: expected transactions.csv, "
            ~ "transactions.csv.gz or transactions.parquet there."
        ) }}
    {%- endif -%}
    {{ return(found[0] if found else none) }}
{% endmacro %}


{#- raw_file_reader, raw_file_row_position and raw_value_as_text: per engine, macros/cross_db/raw_files.sql. -#}


{#-
    Map a typed file's columns to the canonical columns (canonical_column_map): {name: {column, type}}.
-#}
{% macro raw_file_column_map(file, entity) %}
    {%- set described = run_query("describe select * from " ~ raw_file_reader(file)) -%}
    {%- set names = [] -%}
    {%- set types = {} -%}
    {%- for row in described.rows -%}
        {%- do names.append(row[0]) -%}
        {%- do types.update({row[0]: row[1] | upper}) -%}
    {%- endfor -%}
    {%- set mapping = {} -%}
    {%- for name, found in canonical_column_map("Raw file " ~ file, names, entity).items() -%}
        {%- do mapping.update({name: {'column': found['column'], 'type': types[found['column']]}}) -%}
    {%- endfor -%}
    {{ return(mapping) }}
{% endmacro %}


{#-
    The select of the canonical adapter for one entity: from the demo seed `raw_<entity>` when var
    `raw_data_path` is unset, else from the file in that folder. Output: source_file, source_row_number
    (1-based position in the file) and every canonical column as text (null when the file lacks an
    optional column; no rows when an optional file is absent).
-#}
{% macro canonical_raw_select(entity) -%}
    {%- set folder = seg_var('raw_data_path') -%}
    {%- set columns = raw_columns(entity) -%}
    {%- if folder is none -%}
        select
            'seed:raw_{{ entity }}' as source_file,
            {{ insertion_position() }} as source_row_number,
            false as malformed_row,
            {%- for name, required in columns %}
                cast({{ adapter.quote(name) }} as {{ type_text() }}) as {{ name }}{{ ',' if not loop.last }}
            {%- endfor %}
        from {{ ref('raw_' ~ entity) }}
    {%- else -%}
        {%- if target.type not in raw_file_engines() -%}
            {{ exceptions.raise_compiler_error(
                "raw_data_path '" ~ folder ~ "': files are read with the engine's own readers, which target '"
                ~ target.name ~ "' (" ~ target.type ~ ") does not have here. Load the files into tables and use "
                ~ "--vars '{source: warehouse, raw_schema: <schema>}' (docs/engines.md), or build with --target duckdb."
            ) }}
        {%- endif -%}
        {%- set file = find_raw_file(folder, entity) -%}
        {%- if file is none -%}
            select
                cast(null as {{ type_text() }}) as source_file,
                cast(null as bigint) as source_row_number,
                false as malformed_row,
                {%- for name, required in columns %}
                    cast(null as {{ type_text() }}) as {{ name }}{{ ',' if not loop.last }}
                {%- endfor %}
            where false
        {%- elif csv_is_csv(file) and adapter.type() == 'duckdb' -%}
            {{ csv_raw_select(file, entity, this) }}
        {%- else -%}
            {%- set mapping = raw_file_column_map(file, entity) -%}
            select
                '{{ file }}' as source_file,
                {{ raw_file_row_position(file) }} as source_row_number,
                false as malformed_row,
                {%- for name, required in columns %}
                    {%- if name in mapping %}
                        {{ raw_value_as_text(mapping[name]) }} as {{ name }}{{ ',' if not loop.last }}
                    {%- else %}
                        cast(null as {{ type_text() }}) as {{ name }}{{ ',' if not loop.last }}
                    {%- endif %}
                {%- endfor %}
            from {{ raw_file_reader(file) }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}


{#-
    The DuckDB types of a raw entity's columns when the input is typed (a Parquet file under
    raw_data_path): {canonical column name: type}. Empty for text inputs (CSV, the demo seeds, the UCI
    file), whose every column is text. Staging passes them to the parsing macros, which skip the text
    checks a typed value always passes (macros/staging/parsing.sql).
-#}
{% macro raw_column_types(entity) %}
    {%- set types = {} -%}
    {%- set folder = seg_var('raw_data_path') -%}
    {%- if execute and seg_var('source') == 'canonical' and folder is not none -%}
        {%- set file = find_raw_file(folder, entity) -%}
        {%- if file is not none and file.endswith('.parquet') -%}
            {%- do types.update(raw_file_fast_path_types(raw_file_column_map(file, entity))) -%}
        {%- endif -%}
    {%- endif -%}
    {{ return(types) }}
{% endmacro %}


{#- Fingerprint of one raw transactions row: a hash of its position and raw text values. The staging
    model stores it per row; the conservation test compares its sum with the raw input's, so rows rewritten
    in place after an incremental run (the input must be append-only) fail the build instead of leaving
    stale staged rows. -#}
{% macro raw_row_fingerprint() -%}
    {%- set columns = ['source_row_number'] -%}
    {%- for name, required in raw_columns('transactions') -%}
        {%- do columns.append(name) -%}
    {%- endfor -%}
    {{ row_hash(columns) }}
{%- endmacro %}


{#- Which raw transactions input the run reads: the file under raw_data_path, the demo seed or the UCI
    file (incremental models re-process everything when it changes). -#}
{% macro raw_transactions_identity() %}
    {%- if seg_var('source') == 'online_retail' -%}
        {{ return('online_retail:' ~ seg_var('online_retail_path')) }}
    {%- elif seg_var('source') == 'cdnow' -%}
        {{ return('cdnow:' ~ seg_var('cdnow_path')) }}
    {%- elif seg_var('source') == 'warehouse' -%}
        {%- set table = (seg_var('raw_tables') or {}).get('transactions', 'transactions') -%}
        {{ return('warehouse:' ~ (seg_var('raw_database') or target.database) ~ '.' ~ seg_var('raw_schema') ~ '.' ~ table) }}
    {%- elif seg_var('raw_data_path') is none -%}
        {{ return('seed:raw_transactions') }}
    {%- endif -%}
    {{ return(find_raw_file(seg_var('raw_data_path'), 'transactions') or 'none') }}
{% endmacro %}
