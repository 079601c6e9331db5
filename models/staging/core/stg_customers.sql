{{ config(pre_hook="{{ raise_if_customers_invalid() }}") }}

-- Customers (SPEC §1, §5): employee_count must be a whole number >= 0, else null; size_band from it.
with raw_customers as (
    select * from {{ raw_source('customers') }}
),

parsed as (
    select
        {{ clean_text('customer_id') }} as customer_id,
        {{ clean_text('company_name') }} as company_name,
        {{ clean_text('industry') }} as industry,
        {{ clean_text('country') }} as country,
        {{ parse_integer(clean_text('employee_count')) }} as parsed_employee_count
    from raw_customers
    where {{ clean_text('customer_id') }} is not null
),

final as (
    select
        customer_id,
        company_name,
        industry,
        country,
        case when parsed_employee_count >= 0 then parsed_employee_count end as employee_count,
        {{ size_band('case when parsed_employee_count >= 0 then parsed_employee_count end') }} as size_band
    from parsed
)

select * from final
