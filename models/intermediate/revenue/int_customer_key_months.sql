{{ incremental_month_config() }}
{%- set cutoff = incremental_cutoff('last_line_date') %}

-- Per account, penetration key and month: the keys the account bought (a purchase line, SPEC §4) in each
-- month. The source of first-bought months and of distinct keys over T12M windows. Incremental: months
-- from the cutoff on (last_line_date, the latest purchase line, and settings_digest are what an incremental
-- run checks).
with lines as (
    select * from {{ ref('int_transactions_scoped') }}
),

final as (
    select
        customer_id,
        penetration_key,
        revenue_month,
        max(invoice_date) as last_line_date,
        '{{ incremental_settings_digest() }}' as settings_digest
    from lines
    where is_purchase_line and {{ incremental_window_filter(cutoff) }}
    group by customer_id, penetration_key, revenue_month
)

select * from final
