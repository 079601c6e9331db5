{{ config(pre_hook="{{ raise_if_products_invalid() }}") }}

-- Products (SPEC §1): a null product_line is `unassigned`; is_core defaults to true.
with raw_products as (
    select * from {{ raw_source('products') }}
),

final as (
    select
        {{ clean_text('product_id') }} as product_id,
        {{ clean_text('product_name') }} as product_name,
        coalesce({{ clean_text('product_line') }}, 'unassigned') as product_line,
        {{ parse_boolean(clean_text('is_core'), 'true') }} as is_core
    from raw_products
    where {{ clean_text('product_id') }} is not null
)

select * from final
