{{ config(materialized='view', enabled=seg_var('source') == 'warehouse') }}

-- Raw customers (optional: no rows when the table is absent) from the warehouse table source('warehouse', 'customers'), every column as
-- text (macros/staging/warehouse_sources.sql).
with source as (
    {{ warehouse_raw_select('customers') }}
)

select * from source
