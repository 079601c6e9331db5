{{ config(materialized='view', enabled=seg_var('source') == 'cdnow') }}

-- SPEC §11: the CDNOW file has no products relation: no rows (customers get null attributes, the one
-- product CD is core with product_line unknown).

with final as (
    select
        cast(null as varchar) as product_id,
        cast(null as varchar) as product_name,
        cast(null as varchar) as product_line,
        cast(null as varchar) as is_core
    where false
)

select * from final
