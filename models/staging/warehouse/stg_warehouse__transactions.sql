{{ config(materialized='view', enabled=seg_var('source') == 'warehouse') }}

-- Raw transactions (required) from the warehouse table source('warehouse', 'transactions'), every column as
-- text (macros/staging/warehouse_sources.sql).
with source as (
    {{ warehouse_raw_select('transactions') }}
)

select * from source
