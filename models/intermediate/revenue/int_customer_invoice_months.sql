{{ incremental_month_config() }}
{%- set cutoff = incremental_cutoff('last_line_date') %}

-- Per account, invoice and month: the invoices with a purchase line (an order, SPEC §0) in each month.
-- An invoice whose purchase lines fall in two months has a row in each. The source of the distinct order
-- counts over T12M windows and lifetimes. Incremental: months from the cutoff on
-- (last_line_date, the latest purchase line, and settings_digest are what an incremental run checks).
with lines as (
    select * from {{ ref('int_transactions_scoped') }}
),

final as (
    select
        customer_id,
        invoice_id,
        revenue_month,
        max(invoice_date) as last_line_date,
        '{{ incremental_settings_digest() }}' as settings_digest
    from lines
    where is_purchase_line and {{ incremental_window_filter(cutoff) }}
    group by customer_id, invoice_id, revenue_month
)

select * from final
