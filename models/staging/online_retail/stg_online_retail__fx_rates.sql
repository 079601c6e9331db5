{{ config(materialized='view', enabled=seg_var('source') == 'online_retail') }}

-- The UCI Online Retail file is all in GBP and ships no FX table: no rows. Run it with
-- reporting_currency GBP (checked by macro online_retail_check_currency), where GBP has rate 1.
{{ online_retail_check_currency() }}

with final as (
    select
        cast(null as {{ type_text() }}) as month,
        cast(null as {{ type_text() }}) as currency,
        cast(null as {{ type_text() }}) as rate_to_reporting
    where false
)

select * from final
