-- SPEC §5: one snapshot row per account and month from its first month with a core line to
-- as_of_month, no gap, no extra.
with snapshots as (
    select * from {{ ref('fct_customer_snapshots') }}
),

customer_months as (
    select * from {{ ref('fct_customer_months') }}
),

as_of as (
    select * from {{ ref('int_as_of_dates') }}
),

expected as (
    select
        customer_id,
        min(revenue_month) as first_month
    from customer_months
    group by customer_id
),

actual as (
    select
        customer_id,
        min(snapshot_month) as first_month,
        max(snapshot_month) as last_month,
        count(*) as snapshot_rows
    from snapshots
    group by customer_id
),

final as (
    select
        coalesce(expected.customer_id, actual.customer_id) as customer_id,
        expected.first_month as expected_first_month,
        actual.first_month,
        actual.last_month,
        actual.snapshot_rows
    from expected
    cross join as_of
    full outer join actual
        on expected.customer_id = actual.customer_id
    where
        expected.customer_id is null
        or actual.customer_id is null
        or expected.first_month != actual.first_month
        or actual.last_month != as_of.as_of_month
        or actual.snapshot_rows != {{ months_between('actual.first_month', 'actual.last_month') }} + 1
)

select * from final
