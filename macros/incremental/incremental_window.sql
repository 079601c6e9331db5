{#-
    Incremental models: what an incremental run re-processes, and when it re-processes everything.

    Staging (stg_transactions_validated) adds the raw rows appended since the last run: the raw input is
    append-only. The models at month grain (fct_transactions, the per-month aggregates) re-process a window
    of recent months: a pre-hook deletes the model's rows from `cutoff` on, and the model's SQL, filtered
    with the same cutoff, inserts them again (strategy `append`). The cutoff is the same for every model:

        cutoff = (month of the previous run's as_of_date) - incremental_lookback_months

    Every incremental model records, as its table comment, the settings its rows depend on and the
    as_of_date it was built with (incremental_record_settings). When the settings differ (another raw
    input, reporting currency, penetration grain or duplicate rule, other products or FX rates) or
    as_of_date moved back, the cutoff is the first month: everything is re-processed, without a flag.
    So within an incremental run lines are only added, in months >= cutoff, and then (docs/performance.md
    has the column-by-column argument) a line's category, an account's acquisition_month and the first
    month it bought a penetration key only change in months >= cutoff too: the result equals a full
    refresh. fct_customer_months also rewrites the accounts whose earlier rows change
    (incremental_delete_customer_months).

    Lines that arrive later than the lookback window are not picked up: the test
    assert_fct_transactions_match_staged_lines fails the build (rebuild with `dbt build --full-refresh`).
-#}

{#- The config of the incremental models at month grain: strategy `append` after `pre_hook` deleted what
    the run re-computes (by default the months from the cutoff on), schema changes fail, and the post-hook
    records the settings the rows were built with. -#}
{% macro incremental_model_config(pre_hook="{{ incremental_delete_window('revenue_month') }}") %}
    {{ config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook=pre_hook,
        post_hook="{{ incremental_record_settings() }}",
    ) }}
{% endmacro %}


{#- What the incremental models' rows depend on besides the appended lines, as one text. Each incremental
    model records it as its table comment (post-hook incremental_record_settings); a run whose settings
    differ re-processes everything. -#}
{% macro incremental_settings() %}
    {%- set products = ref('stg_products') -%}
    {%- set fx_rates = ref('stg_fx_rates') -%}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- set query -%}
        select
            (
                select md5(coalesce({{ dbt.listagg(
                    "concat_ws('|', product_id, product_line, is_core)", "','", "order by " ~ collate_binary('product_id')
                ) }}, ''))
                from {{ products }}
            ),
            (
                select md5(coalesce({{ dbt.listagg(
                    "concat_ws('|', month, currency, rate_to_reporting)", "','", "order by month, " ~ collate_binary('currency')
                ) }}, ''))
                from {{ fx_rates }}
            )
    {%- endset -%}
    {%- set row = run_query(query).rows[0] -%}
    {%- set parts = [
        'input=' ~ raw_transactions_identity(),
        'reporting_currency=' ~ seg_var('reporting_currency'),
        'penetration_grain=' ~ seg_var('penetration_grain'),
        'drop_duplicate_lines=' ~ seg_var('drop_duplicate_lines'),
        'products=' ~ row[0][:12],
        'fx_rates=' ~ row[1][:12],
    ] -%}
    {{ return(parts | join('; ') | replace("'", "")) }}
{% endmacro %}


{#- The as_of_date of this run (text), or none when parsing. -#}
{% macro incremental_as_of_date() %}
    {%- set as_of = ref('int_as_of_dates') -%}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(run_query("select cast(max(as_of_date) as " ~ type_text() ~ ") from " ~ as_of).columns[0].values()[0]) }}
{% endmacro %}


{#- The comment recorded on the model by its last build: (settings, as_of_date). -#}
{% macro incremental_recorded() %}
    {%- set recorded = relation_comment(this) or '' -%}
    {%- set parts = recorded.split(' | as_of=') -%}
    {{ return(parts if parts | length == 2 else ['', '']) }}
{% endmacro %}


{% macro incremental_recorded_as_of() %}
    {{ return(incremental_recorded()[1]) }}
{% endmacro %}


{#- True on an incremental run whose settings are those the model was last built with and, for models
    downstream of as_of_date (`with_as_of`), whose as_of_date did not move back (lines would leave months
    before the cutoff: everything is re-processed). Staging keeps every line, whatever as_of_date. -#}
{% macro incremental_settings_unchanged(with_as_of=true) %}
    {%- set current = incremental_settings() -%}
    {%- set as_of_date = incremental_as_of_date() if with_as_of else '' -%}
    {%- if not execute or not is_incremental() -%}
        {{ return(false) }}
    {%- endif -%}
    {#- source: warehouse: a row's position is its rank among the table's rows (SPEC §1), which a row
        inserted later can shift, so no row number marks what was loaded before: every run re-processes
        all rows (still through the incremental models, as after a change of settings). -#}
    {%- if seg_var('source') == 'warehouse' -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set recorded = incremental_recorded() -%}
    {{ return(recorded[0] == current and (as_of_date or '') >= recorded[1]) }}
{% endmacro %}


{#- Post-hook of every incremental model: record the settings and as_of_date it was built with. -#}
{% macro incremental_record_settings(with_as_of=true) -%}
    {%- set as_of_date = incremental_as_of_date() if with_as_of else '' -%}
    comment on table {{ this }} is '{{ incremental_settings() }} | as_of={{ as_of_date }}'
{%- endmacro %}


{#- The first month re-processed by an incremental run, as a SQL date literal: incremental_lookback_months
    before the month of the previous run's as_of_date (recorded with the settings), or date '0001-01-01'
    when the settings changed or as_of_date moved back; none on a full build. -#}
{% macro incremental_cutoff() %}
    {#- ref() before the guard, so that dbt records the dependency when it parses the model -#}
    {%- set as_of = ref('int_as_of_dates') -%}
    {%- if not execute or not is_incremental() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if not incremental_settings_unchanged() -%}
        {{ return("date '0001-01-01'") }}
    {%- endif -%}
    {%- set previous = incremental_recorded_as_of() -%}
    {%- set index = (previous[:4] | int) * 12 + (previous[5:7] | int) - 1 - seg_var('incremental_lookback_months') -%}
    {{ return("date '" ~ "%04d-%02d-01" | format(index // 12, index % 12 + 1) ~ "'") }}
{% endmacro %}


{#- `where` condition of the rows an incremental run re-computes (`true` on a full build). -#}
{% macro incremental_window_filter(month_column) -%}
    {%- set cutoff = incremental_cutoff() -%}
    {%- if cutoff is none -%} true {%- else -%} {{ month_column }} >= {{ cutoff }} {%- endif -%}
{%- endmacro %}


{#- Pre-hook: delete the rows from the cutoff on, before the model inserts them again. -#}
{% macro incremental_delete_window(month_column) -%}
    {%- set cutoff = incremental_cutoff() -%}
    {%- if cutoff is not none -%}
        delete from {{ this }} where {{ month_column }} >= {{ cutoff }}
    {%- endif -%}
{%- endmacro %}


{#- Row-based models (staging): the largest row number already loaded, 0 when the settings changed;
    none on a full build. The run processes the raw rows numbered above it. -#}
{% macro incremental_last_row_number(column) %}
    {%- if not execute or not is_incremental() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if not incremental_settings_unchanged(with_as_of=false) -%}
        {{ return(0) }}
    {%- endif -%}
    {{ return(run_query("select coalesce(max(" ~ column ~ "), 0) from " ~ this).columns[0].values()[0]) }}
{% endmacro %}


{#- Pre-hook of row-based models: when the settings changed, delete every row (they are all loaded again). -#}
{% macro incremental_delete_rows_if_settings_changed() -%}
    {%- if execute and is_incremental() and not incremental_settings_unchanged(with_as_of=false) -%}
        delete from {{ this }}
    {%- endif -%}
{%- endmacro %}


{#- Pre-hook of fct_customer_months. Besides the months from the cutoff on, an account's earlier rows
    change when its spine starts or ends elsewhere (the gap of an account coming back after months of
    silence) or its acquisition_month moves (an account buying for the first time): delete every row of
    those accounts. The model then inserts the spine rows that are missing. -#}
{% macro incremental_delete_customer_months() -%}
    {%- set cutoff = incremental_cutoff() -%}
    {%- set acquired = ref('int_customers_acquired') -%}
    {%- set as_of = ref('int_as_of_dates') -%}
    {%- if cutoff is not none -%}
        delete from {{ this }}
        where
            revenue_month >= {{ cutoff }}
            or customer_id in (
                with loaded as (
                    select
                        customer_id,
                        min(revenue_month) as first_month,
                        max(revenue_month) as end_month,
                        min(acquisition_month) as acquisition_month
                    from {{ this }}
                    group by customer_id
                ),

                expected as (
                    select
                        acquired.customer_id,
                        acquired.first_month,
                        least({{ add_months('acquired.last_month', 1) }}, as_of.as_of_month) as end_month,
                        acquired.acquisition_month
                    from {{ acquired }} as acquired
                    cross join {{ as_of }} as as_of
                )

                select coalesce(loaded.customer_id, expected.customer_id)
                from loaded
                full outer join expected
                    on loaded.customer_id = expected.customer_id
                where
                    loaded.first_month is distinct from expected.first_month
                    or loaded.end_month is distinct from expected.end_month
                    or loaded.acquisition_month is distinct from expected.acquisition_month
            )
    {%- endif -%}
{%- endmacro %}


{#- `where` condition: on an incremental run, the row (`relation` aliased, matched on `keys`) is not in the
    model yet; `true` on a full build. -#}
{% macro incremental_row_missing(relation, keys) -%}
    {%- if is_incremental() -%}
        not exists (
            select 1 from {{ this }} as loaded
            where
                {%- for key in keys %}
                    loaded.{{ key }} = {{ relation }}.{{ key }}{{ ' and' if not loop.last }}
                {%- endfor %}
        )
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}


{#- Pre-hook of int_customer_invoices_spanning_months: delete the invoices with a purchase line in the months
    from the cutoff on (their months are examined again). -#}
{% macro incremental_delete_spanning_invoices() -%}
    {%- set cutoff = incremental_cutoff() -%}
    {%- set invoice_months = ref('int_customer_invoice_months') -%}
    {%- if cutoff is not none -%}
        delete from {{ this }} as spanning
        using (
            select distinct customer_id, invoice_id
            from {{ invoice_months }}
            where revenue_month >= {{ cutoff }}
        ) as examined
        where spanning.customer_id = examined.customer_id and spanning.invoice_id = examined.invoice_id
    {%- endif -%}
{%- endmacro %}
