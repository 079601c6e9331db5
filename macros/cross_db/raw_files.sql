{#-
    Raw files under var `raw_data_path` (SPEC §1), read with the engine's own reader.
    - DuckDB: CSV (RFC 4180 as text, DuckDB's reader), `.csv.gz` and Parquet (`read_parquet`).
    - Spark: Parquet only (Spark's reader; the way large inputs arrive on a cluster). CSV on Spark stops
      the run with an error naming the file: the CSV record rules of SPEC §1 (malformed records, UTF-8,
      unterminated quotes) are implemented with DuckDB's reader; load such a file as a warehouse table
      (var `source: warehouse`) or convert it to Parquet.
    - PostgreSQL has no server-side file reader for a client's folder: use `source: warehouse`.
-#}

{#- The files in `folder` (absolute paths, sorted) whose name starts with `<entity>.`. -#}
{% macro list_raw_files(folder, entity) %}
    {{ return(adapter.dispatch('list_raw_files', 'segmentation')(folder, entity)) }}
{% endmacro %}

{% macro default__list_raw_files(folder, entity) %}
    {%- set listing = run_query(
        "select file from glob('" ~ folder.rstrip('/') ~ "/" ~ entity ~ ".*') order by file"
    ) -%}
    {{ return(listing.columns[0].values() | list) }}
{% endmacro %}

{#- Spark: the folder's files through the binaryFile source (only the path column is read, not the bytes;
    a glob that matches nothing is an error there, so the whole folder is listed and filtered here). -#}
{% macro spark__list_raw_files(folder, entity) %}
    {%- set listing = run_query("select path from binaryFile.`" ~ folder.rstrip('/') ~ "` order by path") -%}
    {%- set files = [] -%}
    {%- for path in listing.columns[0].values() -%}
        {%- set local = path | replace('file://', '') | replace('file:', '') -%}
        {%- if local.split('/')[-1].startswith(entity ~ '.') -%}
            {%- do files.append(folder.rstrip('/') ~ '/' ~ local.split('/')[-1]) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(files) }}
{% endmacro %}


{#- The relation (a table function or path) that reads `file`. -#}
{% macro raw_file_reader(file) -%}
    {{ return(adapter.dispatch('raw_file_reader', 'segmentation')(file)) }}
{%- endmacro %}

{% macro default__raw_file_reader(file) -%}
    {%- if file.endswith('.parquet') -%}
        read_parquet('{{ file }}', file_row_number = true)
    {%- else -%}
        read_csv('{{ file }}', header = true, all_varchar = true, delim = ',', quote = '"', escape = '"', null_padding = true)
    {%- endif -%}
{%- endmacro %}

{% macro spark__raw_file_reader(file) -%}
    {%- if not file.endswith('.parquet') -%}
        {{ exceptions.raise_compiler_error(
            "raw_data_path file " ~ file ~ ": on target " ~ target.name ~ " (Spark) raw_data_path reads .parquet "
            ~ "files only. Convert it to Parquet, or load it as a table and use var source: warehouse "
            ~ "(docs/engines.md)."
        ) }}
    {%- endif -%}
    parquet.`{{ file }}`
{%- endmacro %}


{#- The 1-based position of a row in its file (SPEC §1 row position), over raw_file_reader(file). -#}
{% macro raw_file_row_position(file) -%}
    {{ return(adapter.dispatch('raw_file_row_position', 'segmentation')(file)) }}
{%- endmacro %}

{% macro default__raw_file_row_position(file) -%}
    {%- if file.endswith('.parquet') -%}
        file_row_number + 1
    {%- else -%}
        row_number() over ()
    {%- endif -%}
{%- endmacro %}

{#- Spark: the Parquet reader's hidden row index within the file (0-based). -#}
{% macro spark__raw_file_row_position(file) -%}
    _metadata.row_index + 1
{%- endmacro %}


{#- A raw column of a typed file as text, `column` = {column, type} from raw_file_column_map. -#}
{% macro raw_value_as_text(column) -%}
    {{ return(adapter.dispatch('raw_value_as_text', 'segmentation')(column)) }}
{%- endmacro %}

{#-
    A typed Parquet column as the text staging parses (SPEC §1 typed columns), written so that the text
    has exactly the value of the typed one:
    - TIMESTAMP: `YYYY-MM-DD HH:MM:SS.ffffff` (digits past the microsecond dropped), taken as local time;
    - TIMESTAMP WITH TIME ZONE: its UTC wall time in that form followed by `Z`, so staging converts it
      to var reporting_timezone like a text value with an offset;
    - FLOAT / DOUBLE: written as its shortest round-trip decimal text (what DuckDB, Spark and Python's
      repr print: a double holding 4.99 is `4.99`, 1e20 is `1e+20`), then judged by the text rules (at most
      12 decimals and 15 integer digits). Our reading of SPEC §1, which names NaN and infinity as the only
      invalid floats: the exact binary expansion of nearly every decimal price has some 50 digits, so
      judging that would reject almost every float column. NaN and infinities are written `nan`, `inf`,
      `-inf` (invalid);
    - every other type as DuckDB prints it (integers and decimals in plain notation, dates `YYYY-MM-DD`).
-#}
{% macro default__raw_value_as_text(column) -%}
    {%- set quoted = adapter.quote(column.column) -%}
    {%- if column.type.startswith('TIMESTAMP') and ('TIME ZONE' in column.type or column.type == 'TIMESTAMPTZ') -%}
        strftime(timezone('UTC', {{ quoted }}), '%Y-%m-%d %H:%M:%S.%f') || 'Z'
    {%- elif column.type.startswith('TIMESTAMP') -%}
        strftime({{ quoted }}, '%Y-%m-%d %H:%M:%S.%f')
    {%- else -%}
        cast({{ quoted }} as varchar)
    {%- endif -%}
{%- endmacro %}

{#-
    Spark: `timestamp` is an instant (time-zone aware): written with its UTC offset (`...Z`), so staging
    converts it to reporting_timezone as SPEC §0 asks; `timestamp_ntz` is local time, written without one.
    Decimals, integers, floats (NaN / Infinity stay invalid text), dates and strings: Spark's text form.
-#}
{% macro spark__raw_value_as_text(column) -%}
    {%- set t = column.type | lower -%}
    {%- if t == 'timestamp' -%}
        date_format({{ adapter.quote(column.column) }}, 'yyyy-MM-dd HH:mm:ss.SSSSSSXXX')
    {%- elif t == 'timestamp_ntz' -%}
        date_format({{ adapter.quote(column.column) }}, 'yyyy-MM-dd HH:mm:ss.SSSSSS')
    {%- else -%}
        cast({{ adapter.quote(column.column) }} as string)
    {%- endif -%}
{%- endmacro %}


{#- The column types of a typed file that the parsing macros' fast paths understand (DuckDB type names);
    Spark files are parsed as text (empty map). -#}
{% macro raw_file_fast_path_types(mapping) %}
    {{ return(adapter.dispatch('raw_file_fast_path_types', 'segmentation')(mapping)) }}
{% endmacro %}

{% macro default__raw_file_fast_path_types(mapping) %}
    {%- set types = {} -%}
    {%- for name, column in mapping.items() -%}
        {%- do types.update({name: column.type}) -%}
    {%- endfor -%}
    {{ return(types) }}
{% endmacro %}

{% macro spark__raw_file_fast_path_types(mapping) %}
    {{ return({}) }}
{% endmacro %}
