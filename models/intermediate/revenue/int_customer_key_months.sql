{{ incremental_month_config() }}
{%- set cutoff = incremental_cutoff('last_line_date') %}

-- Per account, penetration key and month: the keys the account bought (a purchase line, SPEC §4) in each
-- month, from the per-key months (int_customer_core_key_months). The source of first-bought months and of
-- distinct keys over T12M windows. Incremental: months from the cutoff on (last_line_date, the latest
-- purchase line, and settings_digest are what an incremental run checks).
with key_months as (
    select * from {{ ref('int_customer_core_key_months') }}
),

final as (
    select
        customer_id,
        penetration_key,
        revenue_month,
        last_purchase_date as last_line_date,
        '{{ incremental_settings_digest() }}' as settings_digest
    from key_months
    where last_purchase_date is not null and {{ incremental_window_filter(cutoff) }}
)

select * from final
