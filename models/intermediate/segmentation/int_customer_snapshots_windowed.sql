-- Per account and snapshot month s (first_month .. as_of_month), the T12M figures over s-11 .. s
-- (SPEC §5) computed with window frames over the contiguous month spine: revenue, active months,
-- distinct orders and distinct penetration keys bought in the window (an invoice or key seen in
-- several months of a window counts once), keys bought to date, tenure. Distinct orders = the window's
-- monthly orders minus the repeats of the orders spanning several months of the window.
with spine as (
    select * from {{ ref('int_customer_months_spined') }}
),

spanning_invoice_months as (
    select * from {{ ref('int_customer_invoices_spanning_months') }}
),

customer_key_months as (
    select * from {{ ref('int_customer_key_months') }}
),

keys_first_bought as (
    select * from {{ ref('int_customer_keys_first_bought') }}
),

spanning_months as (
    select
        customer_id,
        invoice_id,
        revenue_month as month
    from spanning_invoice_months
),

key_months as (
    select
        customer_id,
        penetration_key,
        revenue_month as month
    from customer_key_months
),

spanning_deltas as (
    {{ t12m_distinct_count_deltas('spanning_months', 'invoice_id') }}
),

spanning_counts as (
    select
        customer_id,
        month,
        count(*) as spanning_orders
    from spanning_months
    group by customer_id, month
),

key_deltas as (
    {{ t12m_distinct_count_deltas('key_months', 'penetration_key') }}
),

keys_added as (
    select
        customer_id,
        first_bought_month as month,
        count(*) as keys_added
    from keys_first_bought
    group by customer_id, first_bought_month
),

joined as (
    select
        spine.customer_id,
        spine.revenue_month as snapshot_month,
        spine.acquisition_month,
        spine.revenue,
        spine.orders,
        coalesce(spanning_counts.spanning_orders, 0) as spanning_orders,
        coalesce(spanning_deltas.delta, 0) as spanning_delta,
        coalesce(key_deltas.delta, 0) as key_delta,
        coalesce(keys_added.keys_added, 0) as keys_added
    from spine
    left join spanning_counts
        on spine.customer_id = spanning_counts.customer_id and spine.revenue_month = spanning_counts.month
    left join spanning_deltas
        on spine.customer_id = spanning_deltas.customer_id and spine.revenue_month = spanning_deltas.month
    left join key_deltas
        on spine.customer_id = key_deltas.customer_id and spine.revenue_month = key_deltas.month
    left join keys_added
        on spine.customer_id = keys_added.customer_id and spine.revenue_month = keys_added.month
),

windowed as (
    select
        customer_id,
        snapshot_month,
        acquisition_month,
        cast(sum(revenue) over t12m as decimal(38, 12)) as t12m_revenue,
        sum(case when revenue > 0 then 1 else 0 end) over t12m as t12m_active_months,
        sum(orders) over t12m - sum(spanning_orders) over t12m + sum(spanning_delta) over to_date as t12m_orders,
        sum(key_delta) over to_date as product_lines_t12m,
        sum(keys_added) over to_date as keys_to_date
    from joined
    window
        t12m as (partition by customer_id order by snapshot_month rows between 11 preceding and current row),
        to_date as (partition by customer_id order by snapshot_month rows between unbounded preceding and current row)
),

final as (
    select
        customer_id,
        snapshot_month,
        acquisition_month,
        t12m_revenue,
        cast(t12m_orders as bigint) as t12m_orders,
        cast(t12m_active_months as bigint) as t12m_active_months,
        cast(product_lines_t12m as bigint) as product_lines_t12m,
        cast(keys_to_date as bigint) as keys_to_date,
        case
            when acquisition_month <= snapshot_month
                then {{ months_between('acquisition_month', 'snapshot_month') }}
        end as tenure_months
    from windowed
)

select * from final
