{{ config(materialized='table', enabled=seg_var('source') == 'online_retail') }}

-- The UCI Online Retail file (var online_retail_path), read once, every column as untrimmed text
-- (macros/staging/online_retail.sql). The four online_retail adapters select from this table.
with source as (
    {{ online_retail_raw_select() }}
)

select * from source
