{{ config(materialized='view') }}

-- Every in-scope line with its SPEC §4 revenue_category: conversion (account not yet acquired, or
-- the acquisition month and before), retention (the account bought the line's penetration key in an
-- earlier month), else penetration. Non-core lines get null.
with lines as (
    select * from {{ ref('int_transactions_scoped') }}
),

acquired as (
    select * from {{ ref('int_customers_acquired') }}
),

keys_first_bought as (
    select * from {{ ref('int_customer_keys_first_bought') }}
),

final as (
    select
        lines.*,
        acquired.acquisition_month,
        {{ revenue_category(
            'lines.is_core', 'lines.revenue_month', 'acquired.acquisition_month',
            'keys_first_bought.first_bought_month'
        ) }} as revenue_category
    from lines
    left join acquired
        on lines.customer_id = acquired.customer_id
    left join keys_first_bought
        on
            lines.customer_id = keys_first_bought.customer_id
            and lines.penetration_key = keys_first_bought.penetration_key
)

select * from final
