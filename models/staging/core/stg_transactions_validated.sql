-- Every raw transaction row, typed, with the first SPEC §2 rule it breaks (`reason`, null when it
-- passes). stg_transactions keeps the rows without a reason, audit.rejected_transactions the others,
-- so each raw row lands in exactly one of them.
with raw_transactions as (
    select * from {{ raw_source('transactions') }}
),

fx_rates as (
    select * from {{ ref('stg_fx_rates') }}
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
        {{ clean_text('invoice_id') }} as invoice_id,
        coalesce({{ parse_integer('line_number') }}, source_row_number) as line_number,
        {{ clean_text('customer_id') }} as customer_id,
        {{ parse_timestamp('invoiced_at') }} as invoiced_at,
        {{ clean_text('product_id') }} as product_id,
        {{ parse_decimal('quantity') }} as quantity,
        {{ parse_decimal('unit_price') }} as unit_price,
        {{ parse_currency('currency') }} as currency
    from raw_transactions
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

-- Rules 1-8 depend only on the seven compared values, so duplicates share their verdict: ranking
-- every row within its group ranks exactly the rows that passed rules 1-8.
duplicates_ranked as (
    select
        *,
        row_number() over (
            partition by invoice_id, customer_id, invoiced_at, product_id, quantity, unit_price, currency
            order by line_number, source_row_number
        ) as duplicate_rank
    from rules_checked
),

final as (
    select
        source_file,
        source_row_number,
        raw_invoice_id,
        raw_line_number,
        raw_customer_id,
        raw_invoiced_at,
        raw_product_id,
        raw_quantity,
        raw_unit_price,
        raw_currency,
        invoice_id,
        line_number,
        customer_id,
        invoiced_at,
        product_id,
        quantity,
        unit_price,
        currency,
        fx_rate,
        coalesce(
            rule_reason,
            case when {{ seg_var_sql('drop_duplicate_lines') }} and duplicate_rank > 1 then 'duplicate_line' end
        ) as reason
    from duplicates_ranked
)

select * from final
