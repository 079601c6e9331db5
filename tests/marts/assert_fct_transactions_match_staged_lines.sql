-- SPEC §4: fct_transactions holds exactly the staged lines dated up to as_of_date. Compared per month on
-- the number of lines, the sum of transaction_key and the sum of amount: a line missing or left over in
-- any month shows. After an incremental run this catches lines that arrived later than the lookback
-- window (var incremental_lookback_months): rebuild with `dbt build --full-refresh`.
with staged as (
    select * from {{ ref('stg_transactions') }}
),

transactions as (
    select * from {{ ref('fct_transactions') }}
),

as_of as (
    select * from {{ ref('int_as_of_dates') }}
),

staged_months as (
    select
        staged.revenue_month,
        count(*) as line_count,
        sum(staged.transaction_key) as key_sum,
        sum(staged.amount) as amount
    from staged
    inner join as_of
        on staged.invoice_date <= as_of.as_of_date
    group by staged.revenue_month
),

transaction_months as (
    select
        revenue_month,
        count(*) as line_count,
        sum(transaction_key) as key_sum,
        sum(amount) as amount
    from transactions
    group by revenue_month
),

final as (
    select
        coalesce(staged_months.revenue_month, transaction_months.revenue_month) as revenue_month,
        staged_months.line_count as staged_lines,
        transaction_months.line_count as fct_transactions_lines,
        staged_months.amount as staged_amount,
        transaction_months.amount as fct_transactions_amount
    from staged_months
    full outer join transaction_months
        on staged_months.revenue_month = transaction_months.revenue_month
    where
        staged_months.line_count is distinct from transaction_months.line_count
        or staged_months.key_sum is distinct from transaction_months.key_sum
        or staged_months.amount is distinct from transaction_months.amount
)

select * from final
