-- Per account and month with at least one core line (SPEC §0, §3): revenue(a, m), the sum of the
-- core line amounts (exact, may be <= 0), and orders, the distinct invoices with a purchase line.
with lines as (
    select * from {{ ref('int_transactions_scoped') }}
),

final as (
    select
        customer_id,
        revenue_month,
        sum(amount) as revenue,
        count(distinct case when is_purchase_line then invoice_id end) as orders
    from lines
    where is_core
    group by customer_id, revenue_month
)

select * from final
