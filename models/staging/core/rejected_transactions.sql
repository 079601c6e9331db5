{{ config(schema='audit') }}

-- The quarantine (SPEC §2): raw transaction rows that break a rule, with their raw values as text,
-- their position in the source file and exactly one reason (the first rule broken).
-- raw_amount = quantity * unit_price where both parse as numbers (for the conservation test).
with validated as (
    select * from {{ ref('stg_transactions_validated') }}
),

final as (
    select
        source_file,
        source_row_number,
        raw_invoice_id as invoice_id,
        raw_line_number as line_number,
        raw_customer_id as customer_id,
        raw_invoiced_at as invoiced_at,
        raw_product_id as product_id,
        raw_quantity as quantity,
        raw_unit_price as unit_price,
        raw_currency as currency,
        reason,
        {{ line_gross('quantity', 'unit_price') }} as raw_amount
    from validated
    where reason is not null
)

select * from final
