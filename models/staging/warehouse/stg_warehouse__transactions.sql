{{ config(
    materialized='view',
    enabled=seg_var('source') == 'warehouse',
) }}

-- Raw transactions rows as text from the warehouse table source('warehouse', 'transactions') (macros/staging/warehouse_sources.sql).
with source as (
    {{ warehouse_raw_select('transactions') }}
)

select * from source
