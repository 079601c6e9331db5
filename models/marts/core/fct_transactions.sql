{{ incremental_month_config() }}
{%- set cutoff = incremental_cutoff('invoice_date', staged_lines=ref('stg_transactions')) %}

-- SPEC §4: one row per staged line dated on or before as_of_date (non-core lines included), with its
-- revenue_category (null for non-core lines), the exact amount in the reporting currency and revenue_month.
-- Incremental: the lines of the months from the cutoff on, replacing those months (macros/incremental/).
-- settings_digest: the settings the row was built with (checked by incremental runs).
with categorized as (
    select * from {{ ref('int_transactions_categorized') }}
),

final as (
    select
        transaction_key,
        invoice_id,
        line_number,
        customer_id,
        product_id,
        product_line,
        penetration_key,
        invoiced_at,
        invoice_date,
        revenue_month,
        quantity,
        unit_price,
        currency,
        fx_rate,
        amount,
        is_core,
        is_purchase_line,
        revenue_category,
        '{{ incremental_settings_digest() }}' as settings_digest
    from categorized
    where {{ incremental_window_filter(cutoff) }}
)

select * from final
