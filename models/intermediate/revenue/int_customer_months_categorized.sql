{{ incremental_month_config() }}
{%- set cutoff = incremental_cutoff('last_line_date') %}
{%- set conversion, retention, penetration = seg_labels('revenue_category', 3) %}

-- Per account and month with core lines: the revenue of each SPEC §4 category (conversion, retention,
-- penetration), exact. A line's category depends on its account, penetration key and month only
-- (macro revenue_category), so the categories are taken on the per-key months
-- (int_customer_core_key_months), the same rule int_transactions_categorized applies to each line.
-- Incremental: months from the cutoff on (last_line_date, the month's latest core line, and
-- settings_digest are what an incremental run checks).
with key_months as (
    select * from {{ ref('int_customer_core_key_months') }}
),

acquired as (
    select * from {{ ref('int_customers_acquired') }}
),

keys_first_bought as (
    select * from {{ ref('int_customer_keys_first_bought') }}
),

categorized as (
    select
        key_months.customer_id,
        key_months.revenue_month,
        key_months.revenue,
        key_months.last_line_date,
        {{ revenue_category(
            'true', 'key_months.revenue_month', 'acquired.acquisition_month',
            'keys_first_bought.first_bought_month'
        ) }} as revenue_category
    from key_months
    left join acquired
        on key_months.customer_id = acquired.customer_id
    left join keys_first_bought
        on
            key_months.customer_id = keys_first_bought.customer_id
            and key_months.penetration_key = keys_first_bought.penetration_key
    where {{ incremental_window_filter(cutoff, 'key_months.revenue_month') }}
),

final as (
    select
        customer_id,
        revenue_month,
        {{ amount_sum("case when revenue_category = '" ~ conversion ~ "' then revenue else 0 end") }}
            as conversion_revenue,
        {{ amount_sum("case when revenue_category = '" ~ retention ~ "' then revenue else 0 end") }}
            as retention_revenue,
        {{ amount_sum("case when revenue_category = '" ~ penetration ~ "' then revenue else 0 end") }}
            as penetration_revenue,
        max(last_line_date) as last_line_date,
        '{{ incremental_settings_digest() }}' as settings_digest
    from categorized
    group by customer_id, revenue_month
)

select * from final
