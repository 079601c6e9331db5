{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='source_row_number',
    on_schema_change='fail',
) }}
{{ incremental_check_source_file(raw_source('transactions')) }}
{%- set last_row_number = incremental_max_value('source_row_number') %}
{%- set raw_types = raw_column_types('transactions') %}

-- Every raw transaction row, typed, with the first SPEC §2 rule it breaks (`reason`, null when it
-- passes). stg_transactions keeps the rows without a reason, audit.rejected_transactions the others,
-- so each raw row lands in exactly one of them.
-- Incremental (the raw input is append-only): a run types the rows appended since the last run, plus the
-- rows already loaded that share an invoice_id with them, so that rule 9 ranks every duplicate group that
-- gained a row (duplicates share every compared value) and a new row with a lower line_number can take
-- the place of a row kept before.
with raw_transactions as (
    select * from {{ raw_source('transactions') }}
),

fx_rates as (
    select * from {{ ref('stg_fx_rates') }}
),

{%- if last_row_number is none %}

    batch as (
        select * from raw_transactions
    ),
{%- else %}

    appended as (
        select * from raw_transactions
        where source_row_number > {{ last_row_number }}
    ),

    appended_invoices as (
        select distinct {{ clean_text('invoice_id') }} as invoice_id
        from appended
    ),

    rechecked as (
        select source_row_number
        from {{ this }}
        where
            (reason is null or reason = 'duplicate_line')
            and invoice_id in (select appended_invoices.invoice_id from appended_invoices)
    ),

    batch as (
        select * from appended
        union all
        select * from raw_transactions
        where source_row_number in (select rechecked.source_row_number from rechecked)
    ),
{%- endif %}

-- raw_types: the column types of a typed (Parquet) input; the parsing macros skip the text checks a
-- typed value always passes (macros/staging/parsing.sql), with the same result.
cleaned as (
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

parsed as (
    select
        source_file,
        source_row_number,
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
            when parsed.currency = {{ seg_var_sql('reporting_currency') }} then cast(1 as decimal(18, 10))
            else fx_rates.rate_to_reporting
        end as fx_rate
    from parsed
    left join fx_rates
        on
            parsed.currency = fx_rates.currency
            and cast(date_trunc('month', parsed.invoiced_at) as date) = fx_rates.month
),

rules_checked as (
    select
        *,
        case
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

-- SPEC §2 rule 9. Rules 1-8 depend only on the seven compared values, so duplicates share their
-- verdict: ranking every row within its group ranks exactly the rows that passed rules 1-8.
-- Sorting millions of rows on seven keys is slow, so rows are first bucketed by a hash of the seven
-- typed values; only rows in buckets with more than one row (true duplicates, plus rare hash
-- collisions, which the exact ranking below keeps apart) are ranked on the values themselves.
hashed as (
    select
        *,
        hash(invoice_id, customer_id, invoiced_at, product_id, quantity, unit_price, currency) as duplicate_hash
    from rules_checked
),

shared_hashes as (
    select duplicate_hash
    from hashed
    group by duplicate_hash
    having count(*) > 1
),

duplicates_ranked as (
    select
        source_row_number,
        row_number() over (
            partition by invoice_id, customer_id, invoiced_at, product_id, quantity, unit_price, currency
            order by line_number, source_row_number
        ) as duplicate_rank
    from hashed
    where duplicate_hash in (select shared_hashes.duplicate_hash from shared_hashes)
),

with_reason as (
    select
        hashed.*,
        coalesce(
            hashed.rule_reason,
            case
                when {{ seg_var_sql('drop_duplicate_lines') }} and duplicates_ranked.duplicate_rank > 1
                    then 'duplicate_line'
            end
        ) as reason
    from hashed
    left join duplicates_ranked
        on hashed.source_row_number = duplicates_ranked.source_row_number
),

final as (
    select
        source_file,
        source_row_number,
        -- raw text is only needed for the quarantine: kept for rejected rows only
        {%- for column in ['invoice_id', 'line_number', 'customer_id', 'invoiced_at', 'product_id', 'quantity',
                           'unit_price', 'currency'] %}
            case when reason is not null then raw_{{ column }} end as raw_{{ column }},
        {%- endfor %}
        invoice_id,
        line_number,
        customer_id,
        invoiced_at,
        product_id,
        quantity,
        unit_price,
        currency,
        fx_rate,
        reason
    from with_reason
)

select * from final
