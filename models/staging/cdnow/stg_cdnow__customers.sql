{{ config(materialized='view', enabled=seg_var('source') == 'cdnow') }}

-- SPEC §11: the CDNOW file has no customers relation: no rows (customers get null attributes, the one
-- product CD is core with product_line unknown).

with final as (
    select
        cast(null as varchar) as customer_id,
        cast(null as varchar) as company_name,
        cast(null as varchar) as industry,
        cast(null as varchar) as country,
        cast(null as varchar) as employee_count
    where false
)

select * from final
