{#-
    Source adapter for the CDNOW master file (SPEC §11), selected with var `source: cdnow`.
    The file (var `cdnow_path`, relative to the project directory like online_retail_path) is gzip CSV
    with the header customer_id,date,number_of_cds,dollar_value (../shared/data/cdnow_master/README.md).
    `dollar_value` is the transaction's total value: it becomes unit_price with quantity 1.
-#}

{#- The columns the adapter reads (number_of_cds is not used by SPEC §11 and may be absent). -#}
{% macro cdnow_required_columns() %}
    {{ return(['customer_id', 'date', 'dollar_value']) }}
{% endmacro %}


{#- DuckDB's reader for the file: every field as text, nothing trimmed; an empty field is null. -#}
{% macro cdnow_reader(path) -%}
    read_csv('{{ path }}', header = true, all_varchar = true, delim = ',', quote = '"', escape = '"', encoding = 'utf-8', null_padding = true)
{%- endmacro %}


{#- Stop with a clear message when the file is absent or lacks one of the columns the adapter reads. -#}
{% macro cdnow_check_file(path) %}
    {%- if execute -%}
        {%- set listing = run_query("select count(*) from glob('" ~ path ~ "')") -%}
        {%- if listing.rows[0][0] == 0 -%}
            {{ exceptions.raise_compiler_error(
                "var cdnow_path: no file at '" ~ path ~ "' (cdnow_path is relative to the project directory;"
                ~ " default ../shared/data/cdnow_master/cdnow_master.csv.gz)."
            ) }}
        {%- endif -%}
        {%- set described = run_query("describe select * from " ~ cdnow_reader(path)) -%}
        {%- set present = described.columns[0].values() | list -%}
        {%- set missing = [] -%}
        {%- for name in cdnow_required_columns() -%}
            {%- if name not in present -%}
                {%- do missing.append(name) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if missing -%}
            {{ exceptions.raise_compiler_error(
                "CDNOW file " ~ path ~ " is missing column(s) " ~ (missing | join(', '))
                ~ "; found " ~ (present | join(', ')) ~ " (expected customer_id,date,number_of_cds,dollar_value)."
            ) }}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}


{#- Every row of the file as text, in file order: source_file (the var as given), source_row_number
    (1-based) and the columns the adapter reads. -#}
{% macro cdnow_raw_select() -%}
    {%- set path = online_retail_file(seg_var('cdnow_path')) -%}
    {{ cdnow_check_file(path) }}
    select
        '{{ seg_var('cdnow_path') }}' as source_file,
        row_number() over () as source_row_number,
        {%- for name in cdnow_required_columns() %}
            {{ adapter.quote(name) }} as {{ name }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ cdnow_reader(path) }}
{%- endmacro %}


{#- `date` (YYYYMMDD) as ISO text YYYY-MM-DD (surrounding whitespace dropped). Anything else is passed on
    as written and quarantined as invalid_date by staging (so is a YYYYMMDD that is no calendar date). -#}
{% macro cdnow_invoice_date(column) -%}
    case
        when {{ full_match('trim(' ~ column ~ ')', "'[0-9]{8}'") }}
            then
                substr(trim({{ column }}), 1, 4) || '-'
                || substr(trim({{ column }}), 5, 2) || '-'
                || substr(trim({{ column }}), 7, 2)
        else {{ column }}
    end
{%- endmacro %}


{#- The file is all USD and has no FX table: any other reporting currency would quarantine every row as
    unknown_currency, so stop with a clear message instead. -#}
{% macro cdnow_check_currency() %}
    {%- if seg_var('source') == 'cdnow' and seg_var('reporting_currency') != 'USD' -%}
        {{ exceptions.raise_compiler_error(
            "source cdnow: the CDNOW file is in USD and has no FX rates; run it with reporting_currency USD"
            ~ " (the default; got reporting_currency " ~ seg_var('reporting_currency') ~ ")."
        ) }}
    {%- endif -%}
{% endmacro %}
