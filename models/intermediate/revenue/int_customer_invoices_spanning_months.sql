{{ incremental_model_config(pre_hook="{{ incremental_delete_spanning_invoices() }}") }}
{%- set cutoff = incremental_cutoff() %}

-- The orders (invoices with a purchase line, SPEC §0) whose purchase lines fall in two or more months, one
-- row per month. An order counts once in any window or lifetime holding several of its months, so the
-- distinct order counts are the sums of the monthly orders minus these repeats (few rows; most invoices
-- fall in one month). Incremental: the invoices with a purchase line in the months from the cutoff on
-- are examined again (within an incremental run, lines are only added).
with invoice_months as (
    select * from {{ ref('int_customer_invoice_months') }}
),

{%- if cutoff is not none %}

    examined as (
        select distinct
            customer_id,
            invoice_id
        from invoice_months
        where revenue_month >= {{ cutoff }}
    ),

    examined_months as (
        select invoice_months.*
        from invoice_months
        inner join examined
            on
                invoice_months.customer_id = examined.customer_id
                and invoice_months.invoice_id = examined.invoice_id
    ),
{%- else %}

    examined_months as (
        select * from invoice_months
    ),
{%- endif %}

spanning as (
    select
        customer_id,
        invoice_id
    from examined_months
    group by customer_id, invoice_id
    having count(*) > 1
),

final as (
    select
        examined_months.customer_id,
        examined_months.invoice_id,
        examined_months.revenue_month
    from examined_months
    inner join spanning
        on
            examined_months.customer_id = spanning.customer_id
            and examined_months.invoice_id = spanning.invoice_id
)

select * from final
