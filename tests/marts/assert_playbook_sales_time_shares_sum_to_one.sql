-- The playbook plans the whole sales team's time: sales_time_share sums to 1 over the value tiers,
-- and every SPEC §5 value tier has a treatment.
with playbook as (
    select * from {{ ref('dim_segment_playbook') }}
),

final as (
    select
        sum(sales_time_share) as total_sales_time_share,
        count(*) as tiers
    from playbook
    having sum(sales_time_share) != 1 or count(*) != 4
)

select * from final
