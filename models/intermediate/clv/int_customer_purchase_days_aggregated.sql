{{ config(enabled=seg_var('clv_enabled')) }}

-- SPEC §10 purchase days: one row per account and date up to as_of_date on which it has at least one
-- purchase line (SPEC §0: core, quantity > 0, amount > 0), with the day's value (exact sum of amount)
-- and the day's rank in the account's history (1 = its first purchase day).
with lines as (
    select * from {{ ref('int_transactions_scoped') }}
),

purchase_days as (
    select
        customer_id,
        invoice_date as purchase_date,
        sum(amount) as purchase_value
    from lines
    where is_purchase_line
    group by customer_id, invoice_date
),

final as (
    select
        customer_id,
        purchase_date,
        purchase_value,
        row_number() over (partition by customer_id order by purchase_date) as purchase_day_number
    from purchase_days
)

select * from final
