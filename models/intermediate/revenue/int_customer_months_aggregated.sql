{{ incremental_month_config() }}
{%- set cutoff = incremental_cutoff('last_line_date') %}

-- Per account and month with at least one core line (SPEC §0, §3): revenue(a, m), the sum of the
-- core line amounts (exact, may be <= 0), orders, the distinct invoices with a purchase line, and the
-- dates of the month's first and last purchase lines. Read from the per-key months
-- (int_customer_core_key_months) and the per-invoice months (int_customer_invoice_months, one row per
-- order and month), not from the lines. Incremental: months from the cutoff on
-- (macros/incremental/incremental_window.sql); last_line_date (the month's latest core line) and
-- settings_digest are what an incremental run checks.
with key_months as (
    select * from {{ ref('int_customer_core_key_months') }}
),

invoice_months as (
    select * from {{ ref('int_customer_invoice_months') }}
),

months as (
    select
        customer_id,
        revenue_month,
        {{ amount_sum('revenue') }} as revenue,
        min(first_purchase_date) as first_purchase_date,
        max(last_purchase_date) as last_purchase_date,
        max(last_line_date) as last_line_date
    from key_months
    where {{ incremental_window_filter(cutoff) }}
    group by customer_id, revenue_month
),

orders as (
    select
        customer_id,
        revenue_month,
        count(*) as orders
    from invoice_months
    where {{ incremental_window_filter(cutoff) }}
    group by customer_id, revenue_month
),

final as (
    select
        months.customer_id,
        months.revenue_month,
        months.revenue,
        coalesce(orders.orders, 0) as orders,
        months.first_purchase_date,
        months.last_purchase_date,
        months.last_line_date,
        '{{ incremental_settings_digest() }}' as settings_digest
    from months
    left join orders
        on
            months.customer_id = orders.customer_id
            and months.revenue_month = orders.revenue_month
)

select * from final
