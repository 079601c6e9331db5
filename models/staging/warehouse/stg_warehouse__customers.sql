{{ config(
    materialized='view',
    enabled=seg_var('source') == 'warehouse',
) }}

-- Raw customers rows as text from the warehouse table source('warehouse', 'customers') (macros/staging/warehouse_sources.sql).
with source as (
    {{ warehouse_raw_select('customers') }}
)

select * from source
