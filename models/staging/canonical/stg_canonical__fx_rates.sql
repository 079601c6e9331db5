{{ config(
    materialized='view',
    enabled=seg_var('source') == 'canonical',
    pre_hook="{{ load_csv_file(this, 'fx_rates') }}",
) }}

-- Raw fx_rates rows as text: the demo seed, or the file in var raw_data_path (macros/staging/raw_sources.sql).
with source as (
    {{ canonical_raw_select('fx_rates') }}
)

select * from source
