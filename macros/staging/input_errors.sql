{#-
    Errors that stop the build (SPEC §0-1), raised before any mart is built, each naming the input (file
    or table), the data row numbers (source_row_number: the record's position in its file, or the row's
    rank in a warehouse table) and the offending values, at most a few of them plus a count, and what to
    do. They are raised from pre-hooks of the staging models that read the relation concerned, so the model
    and everything downstream of it is not built, and dbt exits non-zero with the message (no stack trace).

    - reference relations (customers, products, fx_rates; not quarantined): a duplicate key, an is_core
      that is not a boolean, an FX month that is not a date or a rate that is not a number > 0
      (stg_customers, stg_products, stg_fx_rates). A malformed CSV record of a reference file is raised by
      the CSV loader (csv_files.sql).
    - transactions: no data rows, or none that passes staging (stg_transactions), with the count per reason.
    - as_of_date outside [earliest staged date, latest staged date + 366 days] (int_as_of_dates).

    The queries are engine-neutral (the parsing macros and plain SQL); the messages are put together here.
-#}

{#- How many of a list to show in a message. -#}
{% macro input_error_shown() %}{{ return(5) }}{% endmacro %}


{#- Whether the reference relations come from the user (seeds, files, warehouse tables) and are checked;
    the source adapters of real data sets (online_retail, cdnow) derive them from the transactions, unique
    by construction and without row positions. -#}
{% macro reference_inputs_checked() %}
    {{ return(execute and seg_var('source') not in ['online_retail', 'cdnow']) }}
{% endmacro %}


{#- The name of a raw relation for a message: its file (or table) as the adapter reports it. -#}
{% macro input_name(relation) %}
    {%- set result = run_query("select min(source_file) from " ~ relation) -%}
    {%- set name = result.columns[0].values()[0] if result.rows | length > 0 else none -%}
    {{ return(name or (relation | string)) }}
{% endmacro %}


{#- A value quoted for a message ('null' when null). -#}
{% macro input_error_value(value) -%}
    {{- 'null' if value is none else "'" ~ (value | string)[:60] ~ "'" -}}
{%- endmacro %}


{#-
    Duplicate keys of a reference relation: `keys` is a list of (label, SQL expression over the raw text
    columns). Stops the build listing a few keys with their rows and the number of duplicate keys.
-#}
{% macro raise_if_duplicate_keys(entity, keys, what_to_do) %}
    {%- if not reference_inputs_checked() -%}
        {{ return('') }}
    {%- endif -%}
    {%- set relation = raw_source(entity) -%}
    {%- set key_columns = [] -%}
    {%- for label, expression in keys -%}
        {%- do key_columns.append(expression ~ ' as key_' ~ loop.index) -%}
    {%- endfor -%}
    {%- set key_names = [] -%}
    {%- for label, expression in keys -%}
        {%- do key_names.append('key_' ~ loop.index) -%}
    {%- endfor -%}
    {%- set query -%}
        with keyed as (
            select source_row_number, {{ key_columns | join(', ') }}
            from {{ relation }}
        ),

        duplicate_keys as (
            select {{ key_names | join(', ') }}
            from keyed
            where {{ key_names | join(' is not null and ') }} is not null
            group by {{ key_names | join(', ') }}
            having count(*) > 1
        ),

        shown_keys as (
            select {{ key_names | join(', ') }}
            from duplicate_keys
            order by {{ key_names | join(', ') }}
            limit {{ input_error_shown() }}
        )

        select
            {%- for name in key_names %}
                keyed.{{ name }},
            {%- endfor %}
            keyed.source_row_number,
            (select count(*) from duplicate_keys) as duplicate_key_count
        from keyed
        inner join shown_keys
            on
            {%- for name in key_names %}
                keyed.{{ name }} = shown_keys.{{ name }}{{ ' and' if not loop.last }}
            {%- endfor %}
        order by {% for name in key_names %}keyed.{{ name }}, {% endfor %}keyed.source_row_number
    {%- endset -%}
    {%- set result = run_query(query) -%}
    {%- if result.rows | length > 0 -%}
        {%- set width = keys | length -%}
        {%- set groups = [] -%}
        {%- set rows_of = {} -%}
        {%- for row in result.rows -%}
            {%- set parts = [] -%}
            {%- for label, expression in keys -%}
                {%- do parts.append(label ~ ' ' ~ input_error_value(row[loop.index0])) -%}
            {%- endfor -%}
            {%- set text = parts | join(' + ') -%}
            {%- if text not in rows_of -%}
                {%- do groups.append(text) -%}
                {%- do rows_of.update({text: []}) -%}
            {%- endif -%}
            {%- do rows_of[text].append(row[width] | string) -%}
        {%- endfor -%}
        {%- set shown = [] -%}
        {%- for text in groups -%}
            {%- do shown.append(text ~ ' (rows ' ~ (rows_of[text] | join(', ')) ~ ')') -%}
        {%- endfor -%}
        {%- set count = result.rows[0][width + 1] | int -%}
        {%- set labels = [] -%}
        {%- for label, expression in keys -%}
            {%- do labels.append(label) -%}
        {%- endfor -%}
        {{ exceptions.raise_compiler_error(
            "Raw " ~ entity ~ " input " ~ input_name(relation) ~ " has " ~ count ~ " duplicate key(s) ("
            ~ (labels | join(' + ')) ~ " must be unique): " ~ (shown | join('; '))
            ~ (' and ' ~ (count - groups | length) ~ ' more' if count > groups | length else '') ~ ". "
            ~ what_to_do
        ) }}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}


{#- Rows of a reference relation whose value breaks a rule: `condition` (SQL over the raw text columns)
    is true for a bad row, `value` is shown. Stops the build listing a few rows and the count. -#}
{% macro raise_if_invalid_values(entity, column, value, condition, rule, what_to_do) %}
    {%- if not reference_inputs_checked() -%}
        {{ return('') }}
    {%- endif -%}
    {%- set relation = raw_source(entity) -%}
    {%- set query -%}
        with checked as (
            select
                source_row_number,
                {{ value }} as shown_value
            from {{ relation }}
            where {{ condition }}
        )

        select
            source_row_number,
            shown_value,
            (select count(*) from checked) as bad_count
        from checked
        order by source_row_number
        limit {{ input_error_shown() }}
    {%- endset -%}
    {%- set result = run_query(query) -%}
    {%- if result.rows | length > 0 -%}
        {%- set shown = [] -%}
        {%- for row in result.rows -%}
            {%- do shown.append('row ' ~ row[0] ~ ': ' ~ input_error_value(row[1])) -%}
        {%- endfor -%}
        {%- set count = result.rows[0][2] | int -%}
        {{ exceptions.raise_compiler_error(
            "Raw " ~ entity ~ " input " ~ input_name(relation) ~ ": " ~ count ~ " row(s) with " ~ column ~ " "
            ~ rule ~ ": " ~ (shown | join(', '))
            ~ (' and ' ~ (count - shown | length) ~ ' more' if count > shown | length else '') ~ ". " ~ what_to_do
        ) }}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}


{#- SPEC §1: customers are unique by customer_id. -#}
{% macro raise_if_customers_invalid() %}
    {{ return(raise_if_duplicate_keys(
        'customers', [('customer_id', clean_text('customer_id'))],
        'Keep one row per customer_id (the attributes of a customer live in one row).'
    )) }}
{% endmacro %}


{#- SPEC §1: products are unique by product_id; is_core is blank or a boolean word. -#}
{% macro raise_if_products_invalid() %}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- do raise_if_duplicate_keys(
        'products', [('product_id', clean_text('product_id'))],
        'Keep one row per product_id.'
    ) -%}
    {%- do raise_if_invalid_values(
        'products', 'is_core', 'is_core',
        clean_text('is_core') ~ ' is not null and ' ~ parse_boolean(clean_text('is_core'), 'null') ~ ' is null',
        'not blank, true/false, t/f, yes/no, y/n or 1/0 (any case)',
        'Write is_core as one of these words (blank means core), or leave it empty.'
    ) -%}
    {{ return('') }}
{% endmacro %}


{#- SPEC §1: FX rows are unique by month + currency; the month is a date; the rate a number > 0. -#}
{% macro raise_if_fx_rates_invalid() %}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- set month = parse_timestamp(clean_text('month')) -%}
    {%- set rate = parse_decimal(clean_text('rate_to_reporting'), raw_type=none) -%}
    {%- do raise_if_invalid_values(
        'fx_rates', 'month', 'month',
        month ~ ' is null',
        'that is not a date (YYYY-MM-DD, a real calendar date)',
        'Write each month as its first day, e.g. 2024-01-01.'
    ) -%}
    {%- do raise_if_invalid_values(
        'fx_rates', 'rate_to_reporting', 'rate_to_reporting',
        'coalesce(' ~ rate ~ ' <= 0, true)',
        'that is not a number > 0 (plain decimal notation, at most 12 decimals and 15 integer digits)',
        'Give every month and currency its rate to the reporting currency as a positive number, e.g. 1.0842.'
    ) -%}
    {%- do raise_if_duplicate_keys(
        'fx_rates',
        [
            ('month', 'cast(' ~ dbt.date_trunc('month', month) ~ ' as date)'),
            ('currency', 'upper(' ~ clean_text('currency') ~ ')'),
        ],
        'Keep one rate per month and currency (months are compared by their first day, currencies upper-cased).'
    ) -%}
    {{ return('') }}
{% endmacro %}


{#- SPEC §1: a transactions input with no data rows, or none that passes staging, stops the build with
    the count of rows per reason. Pre-hook of stg_transactions (after rules 1-10 are applied). -#}
{% macro raise_if_no_staged_transactions() %}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- set result = run_query(
        "select reason, count(*) from " ~ ref('stg_transactions_validated')
        ~ " group by reason order by count(*) desc, reason"
    ) -%}
    {%- set counts = {} -%}
    {%- set ns = namespace(total=0, staged=0) -%}
    {%- set parts = [] -%}
    {%- for row in result.rows -%}
        {%- set ns.total = ns.total + row[1] -%}
        {%- if row[0] is none -%}
            {%- set ns.staged = row[1] -%}
        {%- else -%}
            {%- do parts.append(row[0] ~ ': ' ~ row[1]) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set name = raw_transactions_identity() -%}
    {%- if ns.total == 0 -%}
        {{ exceptions.raise_compiler_error(
            "The transactions input " ~ name ~ " has no data rows (only a header, or nothing). "
            ~ "Point var raw_data_path (or the source) at an export with at least one transaction row."
        ) }}
    {%- elif ns.staged == 0 -%}
        {{ exceptions.raise_compiler_error(
            "None of the " ~ ns.total ~ " rows of the transactions input " ~ name ~ " passes staging; rows per "
            ~ "reason: " ~ (parts | join(', ')) ~ ". See audit.rejected_transactions for the rows and their raw "
            ~ "values, and the input rules in docs/input_rules.md."
        ) }}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}


{#- SPEC §0: as_of_date lies between the earliest staged line's date and 366 days after the latest one.
    Pre-hook of int_as_of_dates. -#}
{% macro raise_if_as_of_date_out_of_range() %}
    {%- if not execute or seg_var('as_of_date') is none -%}
        {{ return('') }}
    {%- endif -%}
    {%- set as_of = seg_var('as_of_date') -%}
    {%- set result = run_query(
        "select cast(min(invoice_date) as " ~ dbt.type_string() ~ "), cast(max(invoice_date) as "
        ~ dbt.type_string() ~ "), cast(" ~ dbt.dateadd('day', 366, 'max(invoice_date)') ~ " as date) >= cast('"
        ~ as_of ~ "' as date) and min(invoice_date) <= cast('" ~ as_of ~ "' as date), cast(cast("
        ~ dbt.dateadd('day', 366, 'max(invoice_date)') ~ " as date) as " ~ dbt.type_string() ~ ") from "
        ~ ref('stg_transactions')
    ) -%}
    {%- set row = result.rows[0] -%}
    {%- if row[0] is not none and not row[2] -%}
        {{ exceptions.raise_compiler_error(
            "Invalid value for var 'as_of_date': " ~ as_of ~ " is outside the data's range: staged lines are "
            ~ "dated " ~ row[0] ~ " to " ~ row[1] ~ ", so as_of_date must lie between " ~ row[0] ~ " and "
            ~ (row[3] | string)[:10] ~ " (366 days after the latest line). Set --vars '{as_of_date: YYYY-MM-DD}' "
            ~ "inside that range, or leave it unset to use the latest line's date."
        ) }}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}
