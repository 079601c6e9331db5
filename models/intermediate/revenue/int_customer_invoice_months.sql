{{ incremental_model_config() }}

-- Per account, invoice and month: the invoices with a purchase line (an order, SPEC §0) in each month.
-- An invoice whose purchase lines fall in two months has a row in each. The source of the distinct order
-- counts over T12M windows and lifetimes. Incremental: months from the cutoff on.
with lines as (
    select * from {{ ref('int_transactions_scoped') }}
),

final as (
    select distinct
        customer_id,
        invoice_id,
        revenue_month
    from lines
    where is_purchase_line and {{ incremental_window_filter('revenue_month') }}
)

select * from final
