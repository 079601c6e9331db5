{{ config(materialized='view', enabled=seg_var('source') == 'warehouse') }}

-- Raw FX rates (optional: no rows when the table is absent) from the warehouse table source('warehouse', 'fx_rates'), every column as
-- text (macros/staging/warehouse_sources.sql).
with source as (
    {{ warehouse_raw_select('fx_rates') }}
)

select * from source
