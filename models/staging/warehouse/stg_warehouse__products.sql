{{ config(
    materialized='view',
    enabled=seg_var('source') == 'warehouse',
) }}

-- Raw products rows as text from the warehouse table source('warehouse', 'products') (macros/staging/warehouse_sources.sql).
with source as (
    {{ warehouse_raw_select('products') }}
)

select * from source
