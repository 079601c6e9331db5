{%- set columns = seg_var('peer_group_columns') -%}
{%- set quantile = seg_var('potential_quantile') -%}
{%- set min_size = seg_var('min_peer_group_size') -%}
{%- set levels = range(columns | length, -1, -1) | list -%}
{%- set peer_columns = [] -%}
{%- for column in columns -%}
    {%- do peer_columns.append('peer_' ~ column) -%}
{%- endfor -%}
-- SPEC §5 peer benchmark per account and snapshot month: the `potential_quantile` (continuous) of
-- t12m_revenue over the active accounts of the account's peer group (var peer_group_columns; a null
-- value is the group `unknown`). When the group has fewer than `min_peer_group_size` active accounts,
-- the last column is dropped and the group retried, ending with all active accounts of the month
-- (`all`). Level k below means "grouped by the first k columns": every level's groups come from one
-- aggregation, `group by snapshot_month, rollup(columns)` (the column prefixes), keyed by the column
-- values themselves (not by the ' / ' label, which two different groups could share). A coarser group
-- holds every account of the finer ones, so the chosen level is the highest with enough active accounts.
-- The quantile is interpolated in floating point on every engine (errors around 1e-15 relative), so the
-- benchmark is rounded to the marts' DECIMAL(38,10) here, once.
with snapshots as (
    select * from {{ ref('int_customer_snapshots_windowed') }}
),

customers as (
    select * from {{ ref('stg_customers') }}
),

attributed as (
    select
        snapshots.customer_id,
        snapshots.snapshot_month,
        snapshots.t12m_revenue,
        {%- for column in columns %}
            coalesce(cast(customers.{{ column }} as {{ type_text() }}), 'unknown') as peer_{{ column }},
        {%- endfor %}
        snapshots.t12m_revenue > 0 as is_active
    from snapshots
    left join customers
        on snapshots.customer_id = customers.customer_id
),

-- every peer group of every level at once; a column rolled up (not in the level's prefix) is ''
-- (never a peer value: blanks are null after staging, and null is `unknown`)
peer_groups as (
    select
        snapshot_month,
        {%- for column in columns %}
            case when grouping(peer_{{ column }}) = 0 then peer_{{ column }} else '' end as group_{{ column }},
        {%- endfor %}
        {%- if columns %}
            {%- for column in columns %}
                (1 - grouping(peer_{{ column }})){{ ' +' if not loop.last }}
            {%- endfor %} as peer_level,
        {%- else %}
            0 as peer_level,
        {%- endif %}
        count(*) as active_accounts,
        {{ money(quantile_cont('t12m_revenue', quantile)) }} as benchmark
    from attributed
    where is_active
    group by
        {%- if columns %}
            snapshot_month,
            rollup({{ peer_columns | join(', ') }})
        {%- else %}
            snapshot_month
        {%- endif %}
),

peer_levels as (
    {%- for level in levels %}
        select {{ level }} as peer_level
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

-- one row per account, month and level: the account's group at that level (none when the group has no
-- active account)
candidates as (
    select
        attributed.customer_id,
        attributed.snapshot_month,
        {%- for column in columns %}
            attributed.peer_{{ column }},
        {%- endfor %}
        peer_levels.peer_level,
        peer_groups.active_accounts,
        peer_groups.benchmark
    from attributed
    cross join peer_levels
    left join peer_groups
        on
            attributed.snapshot_month = peer_groups.snapshot_month
            and peer_levels.peer_level = peer_groups.peer_level
            {%- for column in columns %}
                and peer_groups.group_{{ column }}
                = case when peer_levels.peer_level >= {{ loop.index }} then attributed.peer_{{ column }} else '' end
            {%- endfor %}
),

fallen_back as (
    select
        customer_id,
        snapshot_month,
        {%- for column in columns %}
            peer_{{ column }},
        {%- endfor %}
        {%- for level in levels %}
            max(case when peer_level = {{ level }} then benchmark end) as level_{{ level }}_benchmark,
        {%- endfor %}
        coalesce(
            max(case when active_accounts >= {{ min_size }} and peer_level > 0 then peer_level end), 0
        ) as peer_level
    from candidates
    group by
        {%- for column in columns %}
            peer_{{ column }},
        {%- endfor %}
        customer_id,
        snapshot_month
),

final as (
    select
        customer_id,
        snapshot_month,
        peer_level,
        case peer_level
            {%- for level in levels %}
                {%- if level == 0 %}
                    when 0 then 'all'
                {%- else %}
                    when {{ level }}
                        then concat_ws(' / ', {{ peer_columns[:level] | join(', ') }})
                {%- endif %}
            {%- endfor %}
        end as peer_group,
        cast(case peer_level
            {%- for level in levels %}
                when {{ level }} then level_{{ level }}_benchmark
            {%- endfor %}
        end as decimal(38, 10)) as peer_benchmark
    from fallen_back
)

select * from final
