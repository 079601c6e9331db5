{{ incremental_model_config() }}

-- Per account, penetration key and month: the keys the account bought (a purchase line, SPEC §4) in each
-- month. The source of first-bought months and of distinct keys over T12M windows. Incremental: months
-- from the cutoff on.
with lines as (
    select * from {{ ref('int_transactions_scoped') }}
),

final as (
    select distinct
        customer_id,
        penetration_key,
        revenue_month
    from lines
    where is_purchase_line and {{ incremental_window_filter('revenue_month') }}
)

select * from final
