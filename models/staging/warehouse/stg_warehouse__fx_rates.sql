{{ config(
    materialized='view',
    enabled=seg_var('source') == 'warehouse',
) }}

-- Raw fx_rates rows as text from the warehouse table source('warehouse', 'fx_rates') (macros/staging/warehouse_sources.sql).
with source as (
    {{ warehouse_raw_select('fx_rates') }}
)

select * from source
