{{ config(**incremental_config('source_row_number', 'revenue_month')) }}
{%- set last_row_number = incremental_last_row_number() %}
{%- set raw_types = raw_column_types('transactions') %}

-- Every raw transaction row, typed, with the first SPEC §2 rule it breaks (`reason`, null when it
-- passes), and for the rows that pass, what the marts need: the line's dates, product attributes and
-- exact amount. stg_transactions (a view) is the rows without a reason, audit.rejected_transactions the
-- others, so each raw row lands in exactly one of them. Rules 1-9 are checked in one pass over the rows;
-- rule 10 (duplicate lines) is the window in `duplicates_ranked`.
-- Incremental (the raw input is append-only): a run stages the raw rows appended since the last run and
-- restages every row already staged in the months they fall in (a duplicate group shares invoiced_at, so
-- it lies within one month: a new row is ranked with the rows it may duplicate, and a staged row that a
-- new one outranks becomes `duplicate_line`). The batch holds whole months, so `delete+insert` on
-- source_row_number (DuckDB, PostgreSQL) and `insert_overwrite` of revenue_month partitions (Spark)
-- replace the same rows.
with raw_transactions as (
    select * from {{ raw_source('transactions') }}
),

fx_rates as (
    select * from {{ ref('stg_fx_rates') }}
),

products as (
    select * from {{ ref('stg_products') }}
),

{%- if last_row_number is not none %}

    -- the months of the appended rows (invoiced_at as typed below; null when it does not parse)
    appended as (
        select {{ clean_text('invoiced_at', raw_types.get('invoiced_at')) }} as clean_invoiced_at
        from raw_transactions
        where source_row_number > {{ last_row_number }}
    ),

    appended_months as (
        select distinct
            cast({{ dbt.date_trunc(
                'month', parse_timestamp('clean_invoiced_at', raw_types.get('invoiced_at'))
            ) }} as date) as revenue_month
        from appended
    ),

    restaged as (
        select staged.source_row_number
        from {{ this }} as staged
        where
            staged.revenue_month in (select appended_months.revenue_month from appended_months)
            or (
                staged.revenue_month is null
                and exists (select 1 from appended_months where appended_months.revenue_month is null)
            )
    ),
{%- endif %}

batch as (
    select
        *,
        {{ raw_row_fingerprint() }} as raw_fingerprint
    from raw_transactions
    {%- if last_row_number is not none %}
        where
            source_row_number > {{ last_row_number }}
            or source_row_number in (select restaged.source_row_number from restaged)
    {%- endif %}
),

-- raw_types: the column types of a typed (Parquet) input; the parsing macros skip the text checks a
-- typed value always passes (macros/staging/parsing.sql), with the same result. materialized_cte: on
-- PostgreSQL each cleaned and parsed value is computed once per row, not at every use (macros/cross_db/).
cleaned as {{ materialized_cte() }} (
    select
        *,
        {{ clean_text('invoice_id', raw_types.get('invoice_id')) }} as clean_invoice_id,
        {{ clean_text('line_number', raw_types.get('line_number')) }} as clean_line_number,
        {{ clean_text('customer_id', raw_types.get('customer_id')) }} as clean_customer_id,
        {{ clean_text('invoiced_at', raw_types.get('invoiced_at')) }} as clean_invoiced_at,
        {{ clean_text('product_id', raw_types.get('product_id')) }} as clean_product_id,
        {{ clean_text('quantity', raw_types.get('quantity')) }} as clean_quantity,
        {{ clean_text('unit_price', raw_types.get('unit_price')) }} as clean_unit_price,
        {{ clean_text('currency', raw_types.get('currency')) }} as clean_currency
    from batch
),

parsed as {{ materialized_cte() }} (
    select
        source_file,
        source_row_number,
        raw_fingerprint,
        malformed_row,
        invoice_id as raw_invoice_id,
        line_number as raw_line_number,
        customer_id as raw_customer_id,
        invoiced_at as raw_invoiced_at,
        product_id as raw_product_id,
        quantity as raw_quantity,
        unit_price as raw_unit_price,
        currency as raw_currency,
        clean_invoice_id as invoice_id,
        coalesce(
            {{ parse_integer('clean_line_number', raw_types.get('line_number')) }}, source_row_number
        ) as line_number,
        clean_customer_id as customer_id,
        {{ parse_timestamp('clean_invoiced_at', raw_types.get('invoiced_at')) }} as invoiced_at,
        clean_product_id as product_id,
        {{ parse_decimal('clean_quantity', raw_type=raw_types.get('quantity')) }} as quantity,
        {{ parse_decimal('clean_unit_price', raw_type=raw_types.get('unit_price')) }} as unit_price,
        {{ parse_currency('clean_currency') }} as currency
    from cleaned
),

with_rates as (
    select
        parsed.*,
        case
            when parsed.currency = {{ seg_var_sql('reporting_currency') }} then cast(1 as {{ exact_number_type() }})
            else fx_rates.rate_to_reporting
        end as fx_rate
    from parsed
    left join fx_rates
        on
            parsed.currency = fx_rates.currency
            and cast({{ dbt.date_trunc('month', 'parsed.invoiced_at') }} as date) = fx_rates.month
),

rules_checked as (
    select
        *,
        case
            when malformed_row then 'malformed_row'
            when invoice_id is null then 'missing_invoice'
            when customer_id is null then 'missing_customer'
            when invoiced_at is null then 'invalid_date'
            when product_id is null then 'missing_product'
            when quantity is null or unit_price is null then 'invalid_number'
            when quantity = 0 then 'zero_quantity'
            when unit_price < 0 then 'negative_price'
            when fx_rate is null then 'unknown_currency'
        end as rule_reason
    from with_rates
),

-- SPEC §2 rule 10 (var drop_duplicate_lines): among the rows that pass rules 1-9, the rows with the same
-- seven typed values are ranked by (line_number, source_row_number); all but the first are duplicates.
duplicates_ranked as (
    select
        *,
        {%- if seg_var('drop_duplicate_lines') %}
            case
                when
                    rule_reason is null
                    and row_number() over (
                        partition by
                            rule_reason, invoice_id, customer_id, invoiced_at, product_id, quantity, unit_price,
                            currency
                        order by line_number, source_row_number
                    ) > 1
                    then 'duplicate_line'
                else rule_reason
            end as reason
        {%- else %}
            rule_reason as reason
        {%- endif %}
    from rules_checked
),

final as (
    select
        rules_checked.source_file,
        rules_checked.source_row_number,
        rules_checked.raw_fingerprint,
        -- raw text is only needed for the quarantine: kept for rejected rows only
        {%- for column in ['invoice_id', 'line_number', 'customer_id', 'invoiced_at', 'product_id', 'quantity',
                           'unit_price', 'currency'] %}
            case when rules_checked.reason is not null then rules_checked.raw_{{ column }} end
                as raw_{{ column }},
        {%- endfor %}
        rules_checked.invoice_id,
        rules_checked.line_number,
        rules_checked.customer_id,
        rules_checked.invoiced_at,
        cast(rules_checked.invoiced_at as date) as invoice_date,
        cast({{ dbt.date_trunc('month', 'rules_checked.invoiced_at') }} as date) as revenue_month,
        rules_checked.product_id,
        coalesce(products.product_line, 'unknown') as product_line,
        rules_checked.quantity,
        rules_checked.unit_price,
        rules_checked.currency,
        rules_checked.fx_rate,
        {{ line_amount('rules_checked.quantity', 'rules_checked.unit_price', 'rules_checked.fx_rate') }} as amount,
        coalesce(products.is_core, true) as is_core,
        coalesce(products.is_core, true)
        and rules_checked.quantity > 0
        -- amount > 0 exactly (the rate is > 0): decided on the factors, so a positive amount below the
        -- 12th decimal still counts
        and rules_checked.unit_price > 0 as is_purchase_line,
        rules_checked.reason,
        {%- set settings_digest = incremental_settings_digest(staging=true) %}
        '{{ settings_digest }}' as settings_digest
    from duplicates_ranked as rules_checked
    left join products
        on rules_checked.product_id = products.product_id
)

select * from final
