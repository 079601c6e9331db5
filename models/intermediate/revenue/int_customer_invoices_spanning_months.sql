-- The orders (invoices with a purchase line, SPEC §0) whose purchase lines fall in two or more months, one
-- row per month. An order counts once in any window or lifetime holding several of its months, so the
-- distinct order counts are the sums of the monthly orders minus these repeats (few rows; most invoices
-- fall in one month). A table rebuilt on every run from int_customer_invoice_months (one row per account,
-- invoice and month): cheap, so not incremental (docs/performance.md).
with invoice_months as (
    select * from {{ ref('int_customer_invoice_months') }}
),

spanning as (
    select
        customer_id,
        invoice_id
    from invoice_months
    group by customer_id, invoice_id
    having count(*) > 1
),

final as (
    select
        invoice_months.customer_id,
        invoice_months.invoice_id,
        invoice_months.revenue_month
    from invoice_months
    inner join spanning
        on
            invoice_months.customer_id = spanning.customer_id
            and invoice_months.invoice_id = spanning.invoice_id
)

select * from final
