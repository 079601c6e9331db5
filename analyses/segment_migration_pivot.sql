-- The latest segment migration (SPEC §7 mart_segment_migration at as_of_month) as a from x to pivot: one row
-- per value tier at as_of_month - 12 (from), one column of accounts per value tier at as_of_month (to). The
-- tiers (segments.value_tier in dbt_project.yml) are always present (0 where no account moved that way); an
-- account without a snapshot a year earlier counts as from `inactive`. The cells sum to the accounts with a
-- snapshot at as_of_month.
-- Empty when the data hold less than 13 months (no migration at as_of_month).
-- Run: dbt compile --select segment_migration_pivot, then run the compiled SQL under target/compiled/.
with migration as (
    select * from {{ ref('mart_segment_migration') }}
),

playbook as (
    select * from {{ ref('dim_segment_playbook') }}
),

as_of as (
    select * from {{ ref('int_as_of_dates') }}
),

latest as (
    select migration.*
    from migration
    inner join as_of
        on migration.snapshot_month = as_of.as_of_month
),

months as (
    select distinct
        snapshot_month,
        from_snapshot_month
    from latest
),

tiers as (
    select
        value_tier,
        tier_rank
    from playbook
),

pivoted as (
    select
        months.snapshot_month,
        months.from_snapshot_month,
        tiers.value_tier as from_value_tier,
        tiers.tier_rank,
        {%- for tier in seg_labels('value_tier') %}
            cast(coalesce(sum(case when latest.to_value_tier = '{{ tier }}' then latest.accounts end), 0) as bigint)
                as to_{{ tier }},
        {%- endfor %}
        cast(coalesce(sum(latest.accounts), 0) as bigint) as accounts,
        coalesce(sum(latest.from_t12m_revenue), 0) as from_t12m_revenue,
        coalesce(sum(latest.to_t12m_revenue), 0) as to_t12m_revenue
    from months
    cross join tiers
    left join latest
        on tiers.value_tier = latest.from_value_tier
    group by
        months.snapshot_month,
        months.from_snapshot_month,
        tiers.value_tier,
        tiers.tier_rank
),

final as (
    select
        snapshot_month,
        from_snapshot_month,
        from_value_tier,
        {%- for tier in seg_labels('value_tier') %}
            to_{{ tier }},
        {%- endfor %}
        accounts,
        from_t12m_revenue,
        to_t12m_revenue,
        tier_rank
    from pivoted
)

select * from final
order by tier_rank
