{#-
    Incremental models re-process a window of recent months (var `incremental_lookback_months`).

    An incremental run deletes the model's rows from `cutoff` on (a pre-hook) and inserts them again from
    the upstream models (the model's own SQL, filtered with the same cutoff; strategy `append`), so a month
    whose lines all disappeared (as_of_date moved back) disappears too. The cutoff is computed once,
    before anything is deleted, from the model's current contents:

        cutoff = least(latest month in the model - incremental_lookback_months, as_of_month)

    Why the result equals a full refresh (see docs/performance.md for the column-by-column argument):
    the lines in scope only change in months >= cutoff (new or late lines within the lookback, lines
    entering or leaving with as_of_date); a line's category, an account's acquisition_month and the first
    month it bought a penetration key can then only change in months >= cutoff as well. Lines that arrive
    later than the lookback window are not picked up: the test assert_fct_transactions_match_staged_lines
    fails the build, and `dbt build --full-refresh` rebuilds everything. Changes to products, customers or
    FX rates also need a full refresh.
-#}

{#- The first month re-processed by an incremental run, as a SQL date literal; none on a full build. -#}
{% macro incremental_cutoff(month_column) %}
    {#- ref() before the guard, so that dbt records the dependency when it parses the model -#}
    {%- set as_of = ref('int_as_of_dates') -%}
    {%- if not execute or not is_incremental() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set lookback = seg_var('incremental_lookback_months') -%}
    {%- set query -%}
        select strftime(
            least(
                coalesce(
                    (select max({{ month_column }}) from {{ this }}) - to_months({{ lookback }}),
                    date '0001-01-01'
                ),
                (select max(as_of_month) from {{ as_of }})
            ),
            '%Y-%m-%d'
        )
    {%- endset -%}
    {%- set cutoff = run_query(query).columns[0].values()[0] -%}
    {{ return("date '" ~ cutoff ~ "'") }}
{% endmacro %}


{#- `where` condition of the rows an incremental run re-computes (`true` on a full build). -#}
{% macro incremental_window_filter(month_column) -%}
    {%- set cutoff = incremental_cutoff(month_column) -%}
    {%- if cutoff is none -%} true {%- else -%} {{ month_column }} >= {{ cutoff }} {%- endif -%}
{%- endmacro %}


{#- Pre-hook: delete the rows from the cutoff on, before the model inserts them again. -#}
{% macro incremental_delete_window(month_column) -%}
    {%- set cutoff = incremental_cutoff(month_column) -%}
    {%- if cutoff is not none -%}
        delete from {{ this }} where {{ month_column }} >= {{ cutoff }}
    {%- endif -%}
{%- endmacro %}


{#- The largest value of `column` in the model as it stands (0 when empty); none on a full build. Row-based
    incremental models (staging) process the raw rows numbered above it: the raw input is append-only. -#}
{% macro incremental_max_value(column) %}
    {%- if not execute or not is_incremental() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set query = "select coalesce(max(" ~ column ~ "), 0) from " ~ this -%}
    {{ return(run_query(query).columns[0].values()[0]) }}
{% endmacro %}


{#- Stop an incremental run when the raw input is not the one the model was built from (another file or
    source): appending rows to one file is incremental, swapping the input needs a full refresh. -#}
{% macro incremental_check_source_file(raw_relation) %}
    {%- if execute and is_incremental() -%}
        {%- set loaded = run_query("select distinct source_file from " ~ this ~ " order by 1").columns[0].values() -%}
        {%- set current = run_query("select source_file from " ~ raw_relation ~ " limit 1").columns[0].values() -%}
        {%- if loaded | length > 0 and current | length > 0 and (loaded | list) != [current[0]] -%}
            {{ exceptions.raise_compiler_error(
                "The raw transactions input changed (" ~ (loaded | join(', ')) ~ " -> " ~ current[0] ~ "): an "
                ~ "incremental run only appends rows to the same input. Run `dbt build --full-refresh`."
            ) }}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}


{#- Post-hook of stg_transactions: on an incremental run, delete the lines rejected since they were staged. -#}
{% macro stg_transactions_drop_rejected() -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where transaction_key in (
            select source_row_number from {{ ref('stg_transactions_validated') }}
            where reason is not null
        )
    {%- endif -%}
{%- endmacro %}


{#- Pre-hook of fct_customer_months. Besides the months from the cutoff on, an account's earlier rows
    change when its spine starts or ends elsewhere (a gap filled by a reactivation, lines leaving with
    as_of_date) or its acquisition_month moves: delete every row of those accounts. The model then
    inserts the spine rows that are missing. -#}
{% macro incremental_delete_customer_months() -%}
    {%- set cutoff = incremental_cutoff('revenue_month') -%}
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
