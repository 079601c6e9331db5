{#-
    CSV files under var `raw_data_path` (SPEC §1 "File rules"), read with DuckDB's own CSV reader:

    - RFC 4180: comma-delimited, `"` quotes (a quote inside doubled), quoted commas, quotes and line breaks,
      an optional UTF-8 byte order mark, LF or CRLF line ends. The dialect is fixed (auto_detect = false),
      so the sniffer never guesses a different one on an odd file.
    - Every column is read as text (typed in staging). Column names come from the header record, matched
      case-insensitively after trimming, in any order; unknown columns are ignored; two columns with the
      same name stop the build.
    - strict_mode = true with store_rejects: DuckDB's reader sets aside, with their record number, the
      records with more fields than the header (TOO MANY COLUMNS), with bytes that are not UTF-8
      (INVALID ENCODING, anywhere in the record) or longer than max_line_size. null_padding = true
      gives a record with fewer fields blank trailing fields. A quote left open (UNQUOTED VALUE) stops
      the build with the file and the line where the field starts.
    - parallel = false: DuckDB's parallel scanner cannot combine null_padding with quoted line breaks
      (it stops with "parallel scanner does not support null_padding ... quoted new lines"), and one
      scanner reads the records in file order, which the row positions rely on.

    The file is loaded once per run by the pre-hook of the adapter model (load_csv_file) into two tables
    next to the model: `<model>__records` (the accepted records in file order, all columns as text) and
    `<model>__rejects` (the set-aside records: record number, DuckDB error type, raw line). The adapter
    (csv_raw_select) numbers the records back in file order: an accepted record's position is its
    ordinal among the accepted ones plus the number of set-aside records before it.

    DuckDB's reader does not report a quoted field left open at the end of the file (it pads the record
    instead), so when the last record ends in a null field the loader counts the file's quote characters
    (an odd count means a quote is never closed); the scan is skipped otherwise.
-#}

{#- The reader options shared by the header read and the data read. -#}
{% macro csv_dialect() -%}
    auto_detect = false, delim = ',', quote = '"', escape = '"', encoding = 'utf-8', parallel = false
{%- endmacro %}


{#- The tables the loader writes for an adapter model: {records: relation, rejects: relation}. -#}
{% macro csv_load_relations(model_relation) %}
    {{ return({
        'records': model_relation.incorporate(path={'identifier': model_relation.identifier ~ '__records'}, type='table'),
        'rejects': model_relation.incorporate(path={'identifier': model_relation.identifier ~ '__rejects'}, type='table'),
    }) }}
{% endmacro %}


{#- The column names of a CSV file's header record, as written (untrimmed), in file order. -#}
{% macro csv_header(file) %}
    {%- set width = 512 -%}
    {%- set columns = [] -%}
    {%- for index in range(1, width + 1) -%}
        {%- do columns.append("'h" ~ index ~ "': 'VARCHAR'") -%}
    {%- endfor -%}
    {#- nullstr: a value no header holds, so an empty name is '' and only the padding past the last name is null -#}
    {%- set result = run_query(
        "select * from read_csv('" ~ file ~ "', " ~ csv_dialect() ~ ", header = false, columns = {"
        ~ (columns | join(', ')) ~ "}, null_padding = true, strict_mode = false, ignore_errors = true, "
        ~ "nullstr = '\x01\x02') limit 1"
    ) -%}
    {%- if result.rows | length == 0 -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set names = [] -%}
    {%- for value in result.rows[0] -%}
        {%- if value is not none -%}
            {%- do names.append(value) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if names | length == width -%}
        {{ exceptions.raise_compiler_error(
            "Raw file " ~ file ~ " has " ~ width ~ " or more columns in its header: the reader handles fewer. "
            ~ "Keep the SPEC §1 columns (and fewer extra ones) in the file."
        ) }}
    {%- endif -%}
    {{ return(names) }}
{% endmacro %}


{#-
    The header of a CSV file mapped to the canonical columns: {canonical name: 1-based column index},
    plus the file's column count under the key '__width__'. Names are matched trimmed and in lower case;
    a name written twice (`Invoice_ID` and `invoice_id `) or a missing required column stops the build.
-#}
{% macro csv_column_map(file, entity) %}
    {%- set names = csv_header(file) -%}
    {%- if names | length == 0 -%}
        {%- if entity == 'transactions' -%}
            {{ exceptions.raise_compiler_error(
                "Raw file " ~ file ~ " is empty: no header and no data rows. Export the transactions with a "
                ~ "header line (invoice_id, line_number, customer_id, invoiced_at, product_id, quantity, "
                ~ "unit_price, currency) and at least one data row."
            ) }}
        {%- endif -%}
    {%- endif -%}
    {%- set mapping = {'__width__': names | length} -%}
    {%- for name, found in canonical_column_map("Raw file " ~ file, names, entity).items() -%}
        {%- do mapping.update({name: found['index']}) -%}
    {%- endfor -%}
    {{ return(mapping) }}
{% endmacro %}


{#- A snippet of a raw record for an error message: at most 80 characters, line breaks shown as ⏎. -#}
{% macro csv_snippet(text) -%}
    {%- set flat = (text or '') | replace('\r\n', '⏎') | replace('\n', '⏎') | replace('\r', '⏎') -%}
    {{- flat[:80] ~ ('…' if flat | length > 80 else '') -}}
{%- endmacro %}


{#-
    Load one CSV file (pre-hook of its adapter model, `model_relation` = this): the accepted records into
    `<model>__records` (record_ordinal, c1 .. cN as text) and the records the reader set aside into
    `<model>__rejects` (record_number, error_type, csv_line). Stops the build on a quote left open; for a
    reference relation (customers, products, fx_rates) also on any set-aside record (SPEC §1: reference
    data is not quarantined).
-#}
{% macro load_csv_file(model_relation, entity) %}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- set folder = seg_var('raw_data_path') -%}
    {%- set file = find_raw_file(folder, entity) if folder is not none else none -%}
    {%- if file is none or not csv_is_csv(file) or adapter.type() != 'duckdb' -%}
        {{ return('') }}
    {%- endif -%}
    {%- set mapping = csv_column_map(file, entity) -%}
    {%- set width = [mapping['__width__'], 1] | max -%}
    {%- set relations = csv_load_relations(model_relation) -%}
    {%- set columns = [] -%}
    {%- for index in range(1, width + 1) -%}
        {%- do columns.append("'c" ~ index ~ "': 'VARCHAR'") -%}
    {%- endfor -%}
    {%- set rejects_table = 'segmentation_csv_rejects' -%}
    {%- set rejects_scan = 'segmentation_csv_scans' -%}
    {%- set load_sql -%}
        drop table if exists temp.{{ rejects_table }};
        drop table if exists temp.{{ rejects_scan }};
        create or replace table {{ relations.records }} as
        select
            row_number() over () as record_ordinal,
            *
        from read_csv(
            '{{ file }}', {{ csv_dialect() }}, header = {{ 'true' if mapping['__width__'] > 0 else 'false' }},
            columns = { {{- columns | join(', ') -}} },
            null_padding = true, strict_mode = true, max_line_size = 8388608,
            store_rejects = true, rejects_table = '{{ rejects_table }}', rejects_scan = '{{ rejects_scan }}'
        );
        create or replace table {{ relations.rejects }} as
        select
            cast(line as bigint) - 1 as record_number,
            min(error_type) as error_type,
            min(line_byte_position) as line_byte_position,
            -- with CRLF line ends DuckDB's raw line starts with the LF of the previous record's CRLF
            any_value(trim(csv_line, chr(13) || chr(10))) as csv_line
        from temp.{{ rejects_table }}
        group by line;
        drop table if exists temp.{{ rejects_table }};
        drop table if exists temp.{{ rejects_scan }};
    {%- endset -%}
    {%- do run_query(load_sql) -%}
    {%- do csv_raise_if_quote_left_open(file, relations, width) -%}
    {%- if entity != 'transactions' -%}
        {%- do csv_raise_if_reference_malformed(file, entity, relations) -%}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}


{% macro csv_is_csv(file) %}
    {{ return(file.endswith('.csv') or file.endswith('.csv.gz')) }}
{% endmacro %}


{#- The physical line (1-based) on which a record starts, from the records before it: the header and
    every earlier record take one line each plus one per line break inside their quoted fields. -#}
{% macro csv_physical_line(relations, width, record_number) %}
    {%- set breaks = [] -%}
    {%- for index in range(1, width + 1) -%}
        {%- do breaks.append("coalesce(length(c" ~ index ~ ") - length(replace(c" ~ index ~ ", chr(10), '')), 0)") -%}
    {%- endfor -%}
    {%- set result = run_query(
        "select coalesce((select sum(" ~ (breaks | join(' + ')) ~ ") from " ~ relations.records
        ~ " where record_ordinal < " ~ record_number ~ "), 0)"
        ~ " + coalesce((select sum(length(csv_line) - length(replace(csv_line, chr(10), ''))) from "
        ~ relations.rejects ~ " where record_number < " ~ record_number ~ "), 0)"
    ) -%}
    {{ return(record_number + 1 + (result.columns[0].values()[0] | int)) }}
{% endmacro %}


{#- SPEC §1: a quoted field that is never closed stops the build, naming the file and the line where the
    field starts. -#}
{% macro csv_raise_if_quote_left_open(file, relations, width) %}
    {%- set open = run_query(
        "select record_number, csv_line from " ~ relations.rejects
        ~ " where error_type = 'UNQUOTED VALUE' order by record_number limit 1"
    ) -%}
    {%- if open.rows | length > 0 -%}
        {%- set record_number = open.rows[0][0] -%}
        {%- set line = csv_physical_line(relations, width, record_number) -%}
        {{ exceptions.raise_compiler_error(
            "Raw file " ~ file ~ ": a quoted field starting on line " ~ line ~ " (data row " ~ record_number
            ~ ") is not closed properly (an opening \" without its closing \", or text after the closing \"): "
            ~ csv_snippet(open.rows[0][1]) ~ ". Close the quote, or double a quote inside a quoted field (\"\")."
        ) }}
    {%- endif -%}
    {#- DuckDB pads a record whose quoted field runs to the end of the file: a null last field is the only
        sign, so only then count the quote characters of the whole file (odd = one is never closed). -#}
    {%- set last = run_query(
        "select record_ordinal, c" ~ width ~ " is null from " ~ relations.records
        ~ " order by record_ordinal desc limit 1"
    ) -%}
    {%- if last.rows | length > 0 and last.rows[0][1] -%}
        {%- set quotes = run_query(
            "select coalesce(sum(length(l) - length(replace(l, '\"', ''))), 0) from read_csv('" ~ file
            ~ "', auto_detect = false, header = false, columns = {'l': 'VARCHAR'}, delim = '\x01', quote = '', "
            ~ "escape = '', strict_mode = false, null_padding = true, encoding = 'latin-1')"
        ).columns[0].values()[0] -%}
        {%- if quotes % 2 == 1 -%}
            {%- set record_number = last.rows[0][0] + run_query(
                "select count(*) from " ~ relations.rejects
            ).columns[0].values()[0] -%}
            {%- set line = csv_physical_line(relations, width, record_number) -%}
            {{ exceptions.raise_compiler_error(
                "Raw file " ~ file ~ ": a quoted field on line " ~ line ~ " (data row " ~ record_number
                ~ ") is never closed: the file ends inside it. Close the quote (every \" that opens a field "
                ~ "needs a closing \"; a quote inside a quoted field is written \"\")."
            ) }}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}


{#- SPEC §1: reference relations are not quarantined; a record the reader set aside stops the build. -#}
{% macro csv_raise_if_reference_malformed(file, entity, relations) %}
    {%- set bad = run_query(
        "select record_number, error_type, csv_line, count(*) over () from " ~ relations.rejects
        ~ " order by record_number limit 5"
    ) -%}
    {%- if bad.rows | length > 0 -%}
        {%- set shown = [] -%}
        {%- for row in bad.rows -%}
            {%- do shown.append("row " ~ row[0] ~ " (" ~ csv_error_label(row[1]) ~ "): " ~ csv_snippet(row[2])) -%}
        {%- endfor -%}
        {{ exceptions.raise_compiler_error(
            "Raw file " ~ file ~ " has " ~ bad.rows[0][3] ~ " malformed record(s) (reference data is not "
            ~ "quarantined): " ~ (shown | join('; ')) ~ ". Fix these rows: one field per header column, "
            ~ "UTF-8 text, values with commas quoted."
        ) }}
    {%- endif -%}
{% endmacro %}


{#- DuckDB's error type of a set-aside record in words. -#}
{% macro csv_error_label(error_type) %}
    {%- set labels = {
        'TOO MANY COLUMNS': 'more fields than the header',
        'INVALID ENCODING': 'bytes that are not valid UTF-8',
        'INVALID UNICODE': 'bytes that are not valid UTF-8',
        'LINE SIZE OVER MAXIMUM': 'record longer than 8 MB',
    } -%}
    {{ return(labels.get(error_type, error_type | lower)) }}
{% endmacro %}


{#-
    The adapter select for a CSV file loaded by load_csv_file: source_file, source_row_number (the data
    record's position in the file, 1-based), the canonical columns as text and malformed_row (true for a
    record set aside by the reader: its fields are split from the raw line, undecodable bytes shown by
    DuckDB as `?`).
-#}
{% macro csv_raw_select(file, entity, model_relation) -%}
    {%- set mapping = csv_column_map(file, entity) -%}
    {%- set relations = csv_load_relations(model_relation) -%}
    {%- set columns = raw_columns(entity) -%}
    with records as (
        select * from {{ relations.records }}
    ),

    rejects as (
        select * from {{ relations.rejects }}
    ),

    -- per run of consecutive set-aside records: the accepted records before it and the set-aside ones
    -- up to its end, for the position of each accepted record (ASOF join below)
    reject_offsets as (
        select
            accepted_before,
            max(rejected_so_far) as rejected_so_far
        from (
            select
                record_number - row_number() over (order by record_number) as accepted_before,
                row_number() over (order by record_number) as rejected_so_far
            from rejects
        ) as numbered
        group by accepted_before
    ),

    accepted as (
        select
            cast(records.record_ordinal + coalesce(reject_offsets.rejected_so_far, 0) as bigint) as source_row_number,
            false as malformed_row,
            {%- for name, required in columns %}
                {%- if name in mapping %}
                    records.c{{ mapping[name] }} as {{ name }}{{ ',' if not loop.last }}
                {%- else %}
                    cast(null as varchar) as {{ name }}{{ ',' if not loop.last }}
                {%- endif %}
            {%- endfor %}
        from records
        asof left join reject_offsets
            on records.record_ordinal > reject_offsets.accepted_before
    ),

    malformed_fields as (
        select
            record_number,
            regexp_extract_all(csv_line, '(?:^|,)("(?:[^"]|"")*"|[^,]*)', 1) as fields
        from rejects
    ),

    malformed as (
        select
            record_number as source_row_number,
            true as malformed_row,
            {%- for name, required in columns %}
                {%- if name in mapping %}
                    case
                        when starts_with(fields[{{ mapping[name] }}], '"')
                            then replace(fields[{{ mapping[name] }}][2:-2], '""', '"')
                        else fields[{{ mapping[name] }}]
                    end as {{ name }}{{ ',' if not loop.last }}
                {%- else %}
                    cast(null as varchar) as {{ name }}{{ ',' if not loop.last }}
                {%- endif %}
            {%- endfor %}
        from malformed_fields
    ),

    final as (
        select
            '{{ file }}' as source_file,
            *
        from accepted
        union all
        select
            '{{ file }}' as source_file,
            *
        from malformed
    )

    select * from final
{%- endmacro %}
