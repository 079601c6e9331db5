{{ config(materialized='view', enabled=seg_var('source') == 'online_retail') }}

-- Customers derived from the UCI Online Retail file (SPEC §9): one per CustomerID (as an integer
-- string), country = its most frequent Country over all its raw rows, rejected ones included (ties:
-- the first in byte order); company_name, industry and employee_count are not in the file (null).
with invoice_lines as (
    select * from {{ ref('base_online_retail__invoice_lines') }}
),

-- Count each raw CustomerID text once per Country, then map it to the integer string (cheap on the
-- few thousand distinct values; `17850.0` and `17850` would land on one customer).
raw_country_counts as (
    select
        customer_id as raw_customer_id,
        country,
        count(*) as row_count
    from invoice_lines
    group by customer_id, country
),

customer_rows as (
    select
        {{ clean_text(online_retail_customer_id('raw_customer_id')) }} as customer_id,
        country,
        row_count
    from raw_country_counts
),

country_counts as (
    select
        customer_id,
        country,
        sum(row_count) as row_count
    from customer_rows
    where customer_id is not null and country is not null
    group by customer_id, country
),

country_ranked as (
    select
        customer_id,
        country,
        row_number() over (
            partition by customer_id
            order by row_count desc, encode(country) asc  -- ties: byte order
        ) as country_rank
    from country_counts
),

customers as (
    select distinct customer_id
    from customer_rows
    where customer_id is not null
),

final as (
    select
        customers.customer_id,
        cast(null as {{ type_text() }}) as company_name,
        cast(null as {{ type_text() }}) as industry,
        country_ranked.country,
        cast(null as {{ type_text() }}) as employee_count
    from customers
    left join country_ranked
        on
            customers.customer_id = country_ranked.customer_id
            and country_ranked.country_rank = 1
)

select * from final
