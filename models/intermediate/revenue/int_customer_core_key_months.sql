{{ incremental_month_config() }}
{%- set cutoff = incremental_cutoff('last_line_date') %}

-- Per account, penetration key and month with core lines: the one pass over the core lines that the
-- per-month facts share (docs/performance.md, "Passes over the lines"). revenue is the exact sum of the
-- core line amounts (SPEC §0, may be <= 0); first/last_purchase_date are the dates of the first and last
-- purchase lines (null when the account bought nothing of the key that month, SPEC §4). The monthly
-- revenue, purchase dates and category revenues (int_customer_months_aggregated, _categorized) and the
-- keys bought (int_customer_key_months) are sums, minima and maxima of these rows, so no other model
-- re-reads the lines for them. Incremental: months from the cutoff on (last_line_date, the latest core
-- line, and settings_digest are what an incremental run checks).
with lines as (
    select * from {{ ref('int_transactions_scoped') }}
),

final as (
    select
        customer_id,
        penetration_key,
        revenue_month,
        {{ amount_sum('amount') }} as revenue,
        min(case when is_purchase_line then invoice_date end) as first_purchase_date,
        max(case when is_purchase_line then invoice_date end) as last_purchase_date,
        max(invoice_date) as last_line_date,
        '{{ incremental_settings_digest() }}' as settings_digest
    from lines
    where is_core and {{ incremental_window_filter(cutoff) }}
    group by customer_id, penetration_key, revenue_month
)

select * from final
