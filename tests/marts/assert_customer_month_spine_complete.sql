-- SPEC §3: each account's spine runs from its first month with a core line to
-- min(last such month + 1, as_of_month) with no missing, extra or repeated month.
with customer_months as (
    select * from {{ ref('fct_customer_months') }}
),

transactions as (
    select * from {{ ref('fct_transactions') }}
),

as_of as (
    select * from {{ ref('int_as_of_dates') }}
),

expected as (
    select
        transactions.customer_id,
        min(transactions.revenue_month) as first_month,
        least({{ add_months('max(transactions.revenue_month)', 1) }}, max(as_of.as_of_month)) as end_month
    from transactions
    cross join as_of
    where transactions.is_core
    group by transactions.customer_id
),

actual as (
    select
        customer_id,
        min(revenue_month) as first_month,
        max(revenue_month) as end_month,
        count(*) as month_rows,
        count(distinct revenue_month) as distinct_months
    from customer_months
    group by customer_id
),

final as (
    select
        coalesce(expected.customer_id, actual.customer_id) as customer_id,
        expected.first_month as expected_first_month,
        expected.end_month as expected_end_month,
        actual.first_month,
        actual.end_month,
        actual.month_rows
    from expected
    full outer join actual
        on expected.customer_id = actual.customer_id
    where
        expected.customer_id is null
        or actual.customer_id is null
        or expected.first_month != actual.first_month
        or expected.end_month != actual.end_month
        or actual.month_rows != actual.distinct_months
        or actual.month_rows != {{ months_between('actual.first_month', 'actual.end_month') }} + 1
)

select * from final
