{{ config(materialized='view', enabled=seg_var('source') == 'warehouse') }}

-- Raw products (optional: no rows when the table is absent) from the warehouse table source('warehouse', 'products'), every column as
-- text (macros/staging/warehouse_sources.sql).
with source as (
    {{ warehouse_raw_select('products') }}
)

select * from source
