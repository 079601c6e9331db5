{#-
    Source adapter for the UCI Online Retail file (SPEC §9), selected with var `source: online_retail`.
    The file (var `online_retail_path`, relative to the project directory) is gzip CSV, UTF-8, RFC-4180
    quoting, header InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country.
    See docs/online_retail.md.
-#}

{#- The file's columns, as (header name, column name in base_online_retail__invoice_lines). -#}
{% macro online_retail_columns() %}
    {{ return([
        ('InvoiceNo', 'invoice_no'), ('StockCode', 'stock_code'), ('Description', 'description'),
        ('Quantity', 'quantity'), ('InvoiceDate', 'invoice_date'), ('UnitPrice', 'unit_price'),
        ('CustomerID', 'customer_id'), ('Country', 'country'),
    ]) }}
{% endmacro %}


{#- The path DuckDB opens: a relative `online_retail_path` is taken relative to the project directory
    (not the shell's working directory), so `dbt --project-dir ...` works from anywhere. -#}
{% macro online_retail_file(path) %}
    {%- set project_dir = invocation_args_dict.get('project_dir') -%}
    {%- if project_dir and not modules.re.match('^([A-Za-z]:)?[\\\\/]|^~|^[a-z0-9]+://', path) -%}
        {{ return(project_dir.rstrip('/') ~ '/' ~ path) }}
    {%- endif -%}
    {{ return(path) }}
{% endmacro %}


{#- DuckDB's reader for the file: every field as text, nothing trimmed; an empty field is null. -#}
{% macro online_retail_reader(path) -%}
    read_csv('{{ path }}', header = true, all_varchar = true, delim = ',', quote = '"', escape = '"', encoding = 'utf-8', null_padding = true)
{%- endmacro %}


{#- Stop with a clear message when the file is absent or lacks one of the expected columns. -#}
{% macro online_retail_check_file(path) %}
    {%- if execute -%}
        {%- set listing = run_query("select count(*) from glob('" ~ path ~ "')") -%}
        {%- if listing.rows[0][0] == 0 -%}
            {{ exceptions.raise_compiler_error(
                "var online_retail_path: no file at '" ~ path ~ "' (online_retail_path is relative to the"
                ~ " project directory; default ../shared/data/uci_online_retail/online_retail.csv.gz)."
            ) }}
        {%- endif -%}
        {%- set described = run_query("describe select * from " ~ online_retail_reader(path)) -%}
        {%- set present = described.columns[0].values() | list -%}
        {%- set missing = [] -%}
        {%- for header, name in online_retail_columns() -%}
            {%- if header not in present -%}
                {%- do missing.append(header) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if missing -%}
            {{ exceptions.raise_compiler_error(
                "Online Retail file " ~ path ~ " is missing column(s) " ~ (missing | join(', '))
                ~ "; found " ~ (present | join(', ')) ~ "."
            ) }}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}


{#- Every row of the file as text, in file order: source_file (the var as given), source_row_number
    (1-based), columns. -#}
{% macro online_retail_raw_select() -%}
    {%- set path = online_retail_file(seg_var('online_retail_path')) -%}
    {{ online_retail_check_file(path) }}
    select
        '{{ seg_var('online_retail_path') }}' as source_file,
        row_number() over () as source_row_number,
        {%- for header, name in online_retail_columns() %}
            {{ adapter.quote(header) }} as {{ name }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ online_retail_reader(path) }}
{%- endmacro %}


{#- CustomerID as an integer string: `17850.0` -> `17850` (surrounding whitespace kept). A value that
    is not an integer written with a `.0` fraction is passed on as written; blank stays blank. -#}
{% macro online_retail_customer_id(column) -%}
    case
        when regexp_full_match({{ column }}, '\s*[+-]?[0-9]+[.]0*\s*')
            then regexp_replace({{ column }}, '[.]0*', '')
        else {{ column }}
    end
{%- endmacro %}


{#- InvoiceDate as canonical ISO text. This copy already writes `YYYY-MM-DD HH:MM:SS`, passed on as
    written; the US `M/D/YYYY H:MM` of the Kaggle / xlsx exports is rewritten to `YYYY-MM-DD HH:MM:SS`.
    Anything else is passed on as written (and quarantined as invalid_date by staging). -#}
{% macro online_retail_invoice_date(column) -%}
    case
        when regexp_full_match(trim({{ column }}), '[0-9]{1,2}/[0-9]{1,2}/[0-9]{4} [0-9]{1,2}:[0-9]{2}(:[0-9]{2})?')
            then coalesce(
                strftime(
                    coalesce(
                        try_strptime(trim({{ column }}), '%m/%d/%Y %H:%M:%S'),
                        try_strptime(trim({{ column }}), '%m/%d/%Y %H:%M')
                    ),
                    '%Y-%m-%d %H:%M:%S'
                ),
                {{ column }}
            )
        else {{ column }}
    end
{%- endmacro %}


{#- SPEC §9: false for the service codes (postage, fees, adjustments, vouchers), else true. Case-sensitive. -#}
{% macro online_retail_is_core(product_id) -%}
    not (
        {{ product_id }} in ('POST', 'DOT', 'C2', 'M', 'm', 'D', 'S', 'B', 'BANK CHARGES', 'AMAZONFEE', 'CRUK')
        or starts_with({{ product_id }}, 'gift_')
    )
{%- endmacro %}


{#- The file is all GBP and has no FX table: any other reporting currency would quarantine every row
    as unknown_currency, so stop with a clear message instead. -#}
{% macro online_retail_check_currency() %}
    {%- if seg_var('source') == 'online_retail' and seg_var('reporting_currency') != 'GBP' -%}
        {{ exceptions.raise_compiler_error(
            "source online_retail: the UCI Online Retail file is in GBP and has no FX rates; run it with"
            ~ " --vars '{source: online_retail, reporting_currency: GBP, penetration_grain: product}'"
            ~ " (got reporting_currency " ~ seg_var('reporting_currency') ~ ")."
        ) }}
    {%- endif -%}
{% endmacro %}
