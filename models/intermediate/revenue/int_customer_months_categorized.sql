{{ incremental_model_config() }}

-- Per account and month with core lines: the revenue of each SPEC §4 category (conversion, retention,
-- penetration), exact. Incremental: months from the cutoff on.
with categorized as (
    select * from {{ ref('int_transactions_categorized') }}
),

final as (
    select
        customer_id,
        revenue_month,
        {{ amount_sum("case when revenue_category = 'conversion' then amount else 0 end") }} as conversion_revenue,
        {{ amount_sum("case when revenue_category = 'retention' then amount else 0 end") }} as retention_revenue,
        {{ amount_sum("case when revenue_category = 'penetration' then amount else 0 end") }} as penetration_revenue
    from categorized
    where is_core and {{ incremental_window_filter('revenue_month') }}
    group by customer_id, revenue_month
)

select * from final
