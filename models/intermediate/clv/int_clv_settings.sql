{{ config(enabled=seg_var('clv_enabled')) }}

-- The SPEC §10 knobs the Python fit and scoring read, validated by seg_var (a Python model cannot call
-- macros): one row. Also the as_of_date the summary statistics are taken at.
with as_of as (
    select * from {{ ref('int_as_of_dates') }}
),

final as (
    select
        as_of_date,
        cast({{ seg_var_sql('clv_horizon_weeks') }} as {{ type_double() }}) as horizon_weeks,
        cast({{ seg_var_sql('clv_min_accounts') }} as bigint) as min_accounts,
        cast({{ seg_var_sql('clv_max_iterations') }} as bigint) as max_iterations
    from as_of
)

select * from final
