{#-
    SPEC §2 rule 9, the post-hook of stg_transactions_validated. Among the rows that pass rules 1-8 (they
    carry a duplicate_hash of their seven compared values), the rows with the same invoice_id,
    customer_id, invoiced_at, product_id, quantity, unit_price and currency are ranked by
    (line_number, source_row_number); all but the first get reason `duplicate_line` and their raw text
    from the raw input (the quarantine keeps it). Only rows in hash buckets of two or more rows are ranked,
    on the values themselves, so a hash collision never merges different lines.

    On an incremental run only the buckets that gained a row in the latest batch can change (a new row with
    a lower line_number takes the place of a row kept before), so only those are ranked again. A rank that
    did not change is not written. With var drop_duplicate_lines false, nothing is flagged.
-#}
{% macro flag_duplicate_lines() %}
    {{ return(adapter.dispatch('flag_duplicate_lines', 'segmentation')()) }}
{% endmacro %}


{#- The update on engines with UPDATE .. FROM (DuckDB, PostgreSQL); Spark: macros/cross_db/flag_duplicate_lines.sql. -#}
{% macro default__flag_duplicate_lines() %}
    {%- set raw = raw_source('transactions') -%}
    {%- set compared = ['invoice_id', 'customer_id', 'invoiced_at', 'product_id', 'quantity', 'unit_price', 'currency'] -%}
    {%- set raw_columns = ['invoice_id', 'line_number', 'customer_id', 'invoiced_at', 'product_id', 'quantity',
                           'unit_price', 'currency'] -%}
    {%- if execute and seg_var('drop_duplicate_lines') -%}
        {%- set latest = run_query("select coalesce(max(batch_first_row_number), 1) from " ~ this).columns[0].values()[0] -%}
        {%- set flagged = duplicate_lines_changed(latest, compared, raw_columns, raw) -%}
        {#- an update joins every stored row: only run it when a verdict changes -#}
        {%- if run_query("select count(*) from (" ~ flagged ~ ") as flagged_rows").columns[0].values()[0] > 0 -%}
            update {{ this }} as validated
            set
                reason = flagged.reason,
                {%- for column in raw_columns %}
                    raw_{{ column }} = flagged.raw_{{ column }}{{ ',' if not loop.last }}
                {%- endfor %}
            from ({{ flagged }}) as flagged
            where validated.source_row_number = flagged.source_row_number
        {%- endif -%}
    {%- endif -%}
{% endmacro %}


{#- The rows of the buckets ranked by flag_duplicate_lines whose verdict changes: source_row_number, the
    new reason and the raw text the quarantine keeps. -#}
{% macro duplicate_lines_changed(latest, compared, raw_columns, raw) %}
            with
            {%- if latest > 1 %}
                batch_hashes as (
                    select distinct duplicate_hash
                    from {{ this }}
                    where batch_first_row_number = {{ latest }} and duplicate_hash is not null
                ),
            {%- endif %}

            shared_hashes as (
                select duplicate_hash
                from {{ this }}
                where
                    duplicate_hash is not null
                    {%- if latest > 1 %}
                        and duplicate_hash in (select batch_hashes.duplicate_hash from batch_hashes)
                    {%- endif %}
                group by duplicate_hash
                having count(*) > 1
            ),

            ranked as (
                select
                    source_row_number,
                    reason as current_reason,
                    case
                        when row_number() over (
                            partition by {{ compared | join(', ') }}
                            order by line_number, source_row_number
                        ) > 1 then 'duplicate_line'
                    end as reason
                from {{ this }}
                where duplicate_hash in (select shared_hashes.duplicate_hash from shared_hashes)
            ),

            changed as (
                select * from ranked
                where reason is distinct from current_reason
            ),

            changed_raw as (
                select * from {{ raw }}
                where source_row_number in (select changed.source_row_number from changed)
            )

            select
                changed.source_row_number,
                changed.reason,
                {%- for column in raw_columns %}
                    case when changed.reason is not null then changed_raw.{{ column }} end
                        as raw_{{ column }}{{ ',' if not loop.last }}
                {%- endfor %}
            from changed
            left join changed_raw
                on changed.source_row_number = changed_raw.source_row_number
{% endmacro %}
