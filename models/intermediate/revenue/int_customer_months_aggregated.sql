{{ incremental_month_config() }}
{%- set cutoff = incremental_cutoff('last_line_date') %}

-- Per account and month with at least one core line (SPEC §0, §3): revenue(a, m), the sum of the
-- core line amounts (exact, may be <= 0), orders, the distinct invoices with a purchase line, and the
-- dates of the month's first and last purchase lines. Incremental: months from the cutoff on
-- (macros/incremental/incremental_window.sql); last_line_date (the month's latest core line) and
-- settings_digest are what an incremental run checks.
with lines as (
    select * from {{ ref('int_transactions_scoped') }}
),

final as (
    select
        customer_id,
        revenue_month,
        {{ amount_sum('amount') }} as revenue,
        count(distinct case when is_purchase_line then invoice_id end) as orders,
        min(case when is_purchase_line then invoice_date end) as first_purchase_date,
        max(case when is_purchase_line then invoice_date end) as last_purchase_date,
        max(invoice_date) as last_line_date,
        '{{ incremental_settings_digest() }}' as settings_digest
    from lines
    where is_core and {{ incremental_window_filter(cutoff) }}
    group by customer_id, revenue_month
)

select * from final
