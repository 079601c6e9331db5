{{ config(pre_hook="{{ raise_if_as_of_date_out_of_range() }}") }}

-- SPEC §0: as_of_date (var `as_of_date`, default the latest invoiced_at date among staged lines) and
-- its month. One row. Never current_date: the same input and vars give the same output. It also records
-- the build's reporting currency, so readers of the warehouse (the quality checkpoints) know it.
with staged as (
    select * from {{ ref('stg_transactions') }}
),

latest as (
    select max(invoice_date) as latest_invoice_date
    from staged
),

chosen as (
    select
        {%- if seg_var('as_of_date') is none %}
            latest_invoice_date as as_of_date
        {%- else %}
            cast('{{ seg_var('as_of_date') }}' as date) as as_of_date
        {%- endif %}
    from latest
),

final as (
    select
        as_of_date,
        cast({{ dbt.date_trunc('month', 'as_of_date') }} as date) as as_of_month,
        {{ seg_var_sql('reporting_currency') }} as reporting_currency
    from chosen
)

select * from final
