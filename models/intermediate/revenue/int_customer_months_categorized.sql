{{ incremental_month_config() }}
{%- set cutoff = incremental_cutoff('last_line_date') %}

-- Per account and month with core lines: the revenue of each SPEC §4 category (conversion, retention,
-- penetration), exact. Incremental: months from the cutoff on (last_line_date, the month's latest core
-- line, and settings_digest are what an incremental run checks).
with categorized as (
    select * from {{ ref('int_transactions_categorized') }}
),

final as (
    select
        customer_id,
        revenue_month,
        {{ amount_sum("case when revenue_category = 'conversion' then amount else 0 end") }} as conversion_revenue,
        {{ amount_sum("case when revenue_category = 'retention' then amount else 0 end") }} as retention_revenue,
        {{ amount_sum("case when revenue_category = 'penetration' then amount else 0 end") }} as penetration_revenue,
        max(invoice_date) as last_line_date,
        '{{ incremental_settings_digest() }}' as settings_digest
    from categorized
    where is_core and {{ incremental_window_filter(cutoff) }}
    group by customer_id, revenue_month
)

select * from final
