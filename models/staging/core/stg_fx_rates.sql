{{ config(pre_hook="{{ raise_if_fx_rates_invalid() }}") }}

-- FX rates to the reporting currency, one row per month and currency (SPEC §1). Rows that do not
-- parse (bad month, blank currency, rate not a positive number) are dropped here and counted by a
-- warning test; the reporting currency always converts at 1 (applied in stg_transactions_validated).
with raw_fx_rates as (
    select * from {{ raw_source('fx_rates') }}
),

cleaned as (
    select
        {{ clean_text('month') }} as month_text,
        upper({{ clean_text('currency') }}) as currency,
        {{ clean_text('rate_to_reporting') }} as rate_text
    from raw_fx_rates
),

parsed as (
    select
        cast({{ dbt.date_trunc('month', parse_timestamp('month_text')) }} as date) as month,
        currency,
        {{ parse_decimal('rate_text') }} as rate_to_reporting
    from cleaned
),

final as (
    select distinct
        month,
        currency,
        rate_to_reporting
    from parsed
    where
        month is not null
        and currency is not null
        and rate_to_reporting > 0
        and currency != {{ seg_var_sql('reporting_currency') }}
)

select * from final
