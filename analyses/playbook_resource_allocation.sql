-- The sales time the playbook implies at as_of_month (SPEC §7 dim_segment_playbook x the accounts per value
-- tier in fct_customer_snapshots at as_of_month): a team of var playbook_team_hours_per_month sales hours a
-- month (default 1600, about ten full-time sellers) is split by each tier's sales_time_share (60 / 30 / 10 /
-- 0 %), then over the tier's accounts. The tier hours sum to the team's hours; a tier without accounts keeps
-- its planned hours with null hours per account.
-- Run: dbt compile --select playbook_resource_allocation [--vars '{playbook_team_hours_per_month: 800}'],
-- then run the compiled SQL under target/compiled/.
with playbook as (
    select * from {{ ref('dim_segment_playbook') }}
),

snapshots as (
    select * from {{ ref('fct_customer_snapshots') }}
),

as_of as (
    select * from {{ ref('int_as_of_dates') }}
),

accounts_per_tier as (
    select
        snapshots.value_tier,
        count(*) as accounts,
        sum(snapshots.t12m_revenue) as t12m_revenue
    from snapshots
    inner join as_of
        on snapshots.snapshot_month = as_of.as_of_month
    group by snapshots.value_tier
),

team as (
    select cast({{ seg_var('playbook_team_hours_per_month') }} as decimal(18, 4)) as team_hours_per_month
),

allocated as (
    select
        playbook.value_tier,
        playbook.tier_rank,
        playbook.sales_time_share,
        playbook.support_level,
        playbook.account_review_cadence,
        playbook.pitch_approach,
        team.team_hours_per_month,
        coalesce(accounts_per_tier.accounts, 0) as accounts,
        coalesce(accounts_per_tier.t12m_revenue, 0) as t12m_revenue,
        team.team_hours_per_month * playbook.sales_time_share as tier_hours_per_month
    from playbook
    cross join team
    left join accounts_per_tier
        on playbook.value_tier = accounts_per_tier.value_tier
),

final as (
    select
        value_tier,
        sales_time_share,
        accounts,
        t12m_revenue,
        team_hours_per_month,
        tier_hours_per_month,
        {{ ratio('tier_hours_per_month', 'accounts') }} as hours_per_account_per_month,
        support_level,
        account_review_cadence,
        pitch_approach,
        tier_rank
    from allocated
)

select * from final
order by tier_rank
