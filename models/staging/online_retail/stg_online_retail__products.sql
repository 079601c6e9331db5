{{ config(materialized='view', enabled=seg_var('source') == 'online_retail') }}

-- Products derived from the UCI Online Retail file (SPEC §9): one per StockCode, product_name = its
-- most frequent non-null Description (ties: the first in byte order, as written), product_line
-- `unassigned`, is_core false for the service codes (macro online_retail_is_core).
with invoice_lines as (
    select * from {{ ref('base_online_retail__invoice_lines') }}
),

product_rows as (
    select
        {{ clean_text('stock_code') }} as product_id,
        description
    from invoice_lines
),

description_counts as (
    select
        product_id,
        description,
        count(*) as row_count
    from product_rows
    where product_id is not null and description is not null
    group by product_id, description
),

description_ranked as (
    select
        product_id,
        description,
        row_number() over (
            partition by product_id
            order by row_count desc, encode(description) asc  -- ties: byte order
        ) as description_rank
    from description_counts
),

products as (
    select distinct product_id
    from product_rows
    where product_id is not null
),

final as (
    select
        products.product_id,
        description_ranked.description as product_name,
        'unassigned' as product_line,
        case when {{ online_retail_is_core('products.product_id') }} then 'true' else 'false' end as is_core
    from products
    left join description_ranked
        on
            products.product_id = description_ranked.product_id
            and description_ranked.description_rank = 1
)

select * from final
