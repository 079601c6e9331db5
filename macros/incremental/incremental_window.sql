{#-
    Incremental models: what an incremental run re-processes, and when it refuses to run.

    The strategies are the adapters' own (macros/cross_db/incremental_strategy.sql): `delete+insert` on
    DuckDB and PostgreSQL, `insert_overwrite` of month partitions on Spark. No hooks, no state outside the
    models' own rows.

    The models at month grain (fct_transactions and the per-month aggregates) re-process the months from a
    cutoff on, derived from the rows already in the model (the standard is_incremental() pattern):

        cutoff = (latest revenue_month in {{ this }}) - incremental_lookback_months

    Their batch holds every row of each month from the cutoff on (they are recomputed from complete
    upstream tables), and the strategy replaces exactly those months (`unique_key='revenue_month'`, or the
    `revenue_month` partitions). Within an incremental run lines are only added, in months >= cutoff (the
    test assert_fct_transactions_match_staged_lines fails the build otherwise), so a line's category, an
    account's acquisition_month and the first month it bought a penetration key only change in those
    months too: the result equals a full refresh (docs/performance.md has the column-by-column argument).

    What the rows depend on besides the lines is checked at the start of every incremental run, from the
    model's own rows:
    - `settings_digest`, a narrow column of every incremental model: one 8-hex-digit hash per setting
      (reporting_currency, reporting_timezone, drop_duplicate_lines, products, FX rates; staging also the
      raw input identity, the models downstream penetration_grain). When it differs from this run's, the
      run stops with an error naming the settings that changed and the fix, `dbt build --full-refresh`:
      rows built with other settings are never mixed with new ones.
    - as_of_date moving back: the latest line date stored (fct_transactions.invoice_date, the aggregates'
      last_line_date) must be on or before this run's as_of_date; otherwise the run stops (lines would have
      to leave months the batch may not cover).
-#}

{#- config() of the month-grain incremental models. -#}
{% macro incremental_month_config() %}
    {{ config(**incremental_config('revenue_month', 'revenue_month')) }}
{% endmacro %}


{#- The settings the incremental models' rows depend on besides the lines: [(name, value), ...].
    Staging (`staging`): the raw input it reads (raw_transactions_identity: the file, seed or table), not
    penetration_grain. The models downstream: penetration_grain, not the raw input's name, so that the
    marts of the same lines read from another folder are identical, settings_digest included (staging
    refuses another input, and assert_fct_transactions_match_staged_lines fails on lines that differ). -#}
{% macro incremental_settings(staging=false) %}
    {%- set products = ref('stg_products') -%}
    {%- set fx_rates = ref('stg_fx_rates') -%}
    {%- set settings = [] -%}
    {%- if staging -%}
        {%- do settings.append(('raw input', raw_transactions_identity())) -%}
    {%- endif -%}
    {%- do settings.append(('reporting_currency', seg_var('reporting_currency'))) -%}
    {%- do settings.append(('reporting_timezone', seg_var('reporting_timezone'))) -%}
    {%- if not staging -%}
        {%- do settings.append(('penetration_grain', seg_var('penetration_grain'))) -%}
    {%- endif -%}
    {%- do settings.append(('drop_duplicate_lines', seg_var('drop_duplicate_lines'))) -%}
    {#- Reference data, read whole (small relations) and sorted in Python: the same on every engine. -#}
    {%- set product_rows = run_query(
        'select product_id, product_line, is_core from ' ~ products
    ).rows | map('join', '|') | sort | join(',') -%}
    {%- set fx_rows = run_query(
        'select month, currency, rate_to_reporting from ' ~ fx_rates
    ).rows | map('join', '|') | sort | join(',') -%}
    {%- do settings.append(('products', product_rows)) -%}
    {%- do settings.append(('FX rates', fx_rows)) -%}
    {{ return(settings) }}
{% endmacro %}


{#- The settings digest stored in every row of an incremental model: 8 hex digits of md5 per setting,
    joined with '.'; '' when parsing. -#}
{% macro incremental_settings_digest(staging=false) %}
    {#- a unit test renders the model with its given inputs only: no digest there -#}
    {%- if model.resource_type == 'unit_test' -%}
        {{ return('') }}
    {%- endif -%}
    {#- ref() before the guard, so that dbt records the dependencies when it parses the model -#}
    {%- set products, fx_rates = ref('stg_products'), ref('stg_fx_rates') -%}
    {#- '' when parsing, or compiling before the reference relations exist (`dbt compile`, sqlfluff) -#}
    {%- if not execute or load_relation(products) is none or load_relation(fx_rates) is none -%}
        {{ return('') }}
    {%- endif -%}
    {{ return(incremental_digest_of(incremental_settings(staging))) }}
{% endmacro %}


{#- The digest of settings already read ([(name, value), ...]): 8 hex digits of md5 per setting. -#}
{% macro incremental_digest_of(settings) %}
    {%- set parts = [] -%}
    {%- for name, value in settings -%}
        {%- do parts.append(local_md5(name ~ '=' ~ value)[:8]) -%}
    {%- endfor -%}
    {{ return(parts | join('.')) }}
{% endmacro %}


{#- The error of an incremental run that would mix rows built differently. -#}
{% macro incremental_refuse(what) %}
    {{ exceptions.raise_compiler_error(
        "Incremental model " ~ this ~ " was built with " ~ what ~ ". Its rows cannot be mixed with this run's:"
        ~ " rebuild with `dbt build --full-refresh`."
    ) }}
{% endmacro %}


{#- On an incremental run, stop when the stored settings_digest (`stored`, one distinct value) differs
    from this run's, naming the settings that changed. -#}
{% macro incremental_check_settings(stored, staging=false) %}
    {%- set settings = incremental_settings(staging) -%}
    {%- set current = incremental_digest_of(settings) -%}
    {%- if stored | length != 1 or stored[0] != current -%}
        {%- set old_parts = (stored[0] if stored | length == 1 else '').split('.') -%}
        {%- set changed = [] -%}
        {%- for name, value in settings -%}
            {%- if old_parts | length != settings | length
                   or old_parts[loop.index0] != current.split('.')[loop.index0] -%}
                {%- do changed.append(name) -%}
            {%- endif -%}
        {%- endfor -%}
        {{ incremental_refuse('other settings (changed: ' ~ (changed | join(', ') or 'unknown') ~ ')') }}
    {%- endif -%}
{% endmacro %}


{#- The as_of_date of this run (a date), or none when parsing. -#}
{% macro incremental_as_of_date() %}
    {%- set as_of = ref('int_as_of_dates') -%}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(run_query("select as_of_date from " ~ as_of).columns[0].values()[0]) }}
{% endmacro %}


{#- On an incremental run: [max(column) for each of `columns`] of the rows in {{ this }}, once the rows'
    settings are checked against this run's (incremental_check_settings); none on a full build or an empty
    model. The one state query of every incremental model. -#}
{% macro incremental_state(columns, staging=false) %}
    {%- if not execute or not is_incremental() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set maxima = [] -%}
    {%- for column in columns -%}
        {%- do maxima.append('max(' ~ column ~ ')') -%}
    {%- endfor -%}
    {%- set state = run_query(
        'select ' ~ maxima | join(', ') ~ ', count(distinct settings_digest), max(settings_digest) from ' ~ this
    ).rows[0] | list -%}
    {%- if state[0] is none -%}
        {{ return(none) }}
    {%- endif -%}
    {{ incremental_check_settings([state[-1]] if state[-2] == 1 else [], staging=staging) }}
    {%- set wanted = columns | length -%}
    {{ return(state[:wanted]) }}
{% endmacro %}


{#- The first month re-processed by an incremental run of a month-grain model, as a SQL date literal;
    none on a full build (or an empty model). `date_column`: the model's latest line date, checked
    against as_of_date. Checks the settings first. `staged_lines` (fct_transactions: stg_transactions):
    the model stores row positions (transaction_key, and line_number where the raw one is absent), so on a
    warehouse input, whose positions are ranks that rows appended later can shift (SPEC §1), the run also
    re-processes every month from the first one holding a stored line whose position changed
    (incremental_first_moved_month). -#}
{% macro incremental_cutoff(date_column, staged_lines=none) %}
    {#- ref() before the guard, so that dbt records the dependency when it parses the model -#}
    {%- set as_of = ref('int_as_of_dates') -%}
    {%- set state = incremental_state(['revenue_month', date_column]) -%}
    {%- if state is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set as_of_date = incremental_as_of_date() -%}
    {%- if state[1] | string > as_of_date | string -%}
        {{ incremental_refuse(
            'lines up to ' ~ state[1] ~ ', after this run\'s as_of_date ' ~ as_of_date ~ ' (as_of_date moved back)'
        ) }}
    {%- endif -%}
    {%- set latest = state[0] | string -%}
    {%- set index = (latest[:4] | int) * 12 + (latest[5:7] | int) - 1 - seg_var('incremental_lookback_months') -%}
    {%- set cutoff = "%04d-%02d-01" | format(index // 12, index % 12 + 1) -%}
    {%- if staged_lines is not none and seg_var('source') == 'warehouse' -%}
        {%- set moved = incremental_first_moved_month(staged_lines) -%}
        {%- if moved is not none and moved < cutoff -%}
            {%- set cutoff = moved -%}
        {%- endif -%}
    {%- endif -%}
    {{ return("date '" ~ cutoff ~ "'") }}
{% endmacro %}


{#- The first month (YYYY-MM-DD) of {{ this }} holding a line that `staged_lines` no longer has at the same
    position with the same values (transaction_key with the same invoice_id, line_number, customer_id,
    invoiced_at, product_id, quantity, unit_price and currency), or none. On a warehouse input a row
    appended later can take a rank before stored rows (SPEC §1), which moves their positions; those
    months are re-processed instead of keeping stale keys. Staged lines have none of these null but
    product_id, which an equality misses: such a line counts as moved (re-processed, never kept stale). -#}
{% macro incremental_first_moved_month(staged_lines) %}
    {%- set same = [] -%}
    {%- for column in ['transaction_key', 'invoice_id', 'line_number', 'customer_id', 'invoiced_at',
                       'product_id', 'quantity', 'unit_price', 'currency'] -%}
        {%- do same.append('stored.' ~ column ~ ' = staged.' ~ column) -%}
    {%- endfor -%}
    {%- set moved = run_query(
        'select min(stored.revenue_month) from ' ~ this ~ ' as stored left join ' ~ staged_lines ~ ' as staged'
        ~ ' on ' ~ same | join(' and ') ~ ' where staged.transaction_key is null'
    ).columns[0].values()[0] -%}
    {{ return(none if moved is none else (moved | string)[:10]) }}
{% endmacro %}


{#- `where` condition of the rows an incremental run re-computes (`true` on a full build). -#}
{% macro incremental_window_filter(cutoff, month_column='revenue_month') -%}
    {%- if cutoff is none -%} true {%- else -%} {{ month_column }} >= {{ cutoff }} {%- endif -%}
{%- endmacro %}


{#- Staging (row-based): on an incremental run, the largest source_row_number already staged (the run
    stages the raw rows numbered above it, and restages the months they fall in); none on a full build or
    an empty model. Checks the settings first. source: warehouse: a row's position is its rank among the
    table's rows (SPEC §1), which a row inserted later can shift, so no row number marks what was staged
    before: 0, every row is staged again (through the same incremental strategy). -#}
{% macro incremental_last_row_number() %}
    {%- set state = incremental_state(['source_row_number'], staging=true) -%}
    {%- if state is none -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(0 if seg_var('source') == 'warehouse' else state[0]) }}
{% endmacro %}


{#- run-operation: print the settings digest of this invocation's vars (what the incremental models
    compare their rows with). `dbt run-operation print_incremental_settings_digest`. -#}
{% macro print_incremental_settings_digest() %}
    {{ print('staging: ' ~ incremental_settings_digest(staging=true)) }}
    {{ print('models: ' ~ incremental_settings_digest(staging=false)) }}
{% endmacro %}
