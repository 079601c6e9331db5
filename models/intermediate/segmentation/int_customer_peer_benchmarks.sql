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
-- (`all`). Level k below means "grouped by the first k columns"; groups are keyed by the column
-- values themselves (not by the ' / ' label, which two different groups could share). DuckDB
-- interpolates the quantile in floating point (errors around 1e-15 relative), so the benchmark is
-- rounded to the marts' DECIMAL(38,10) here, once.
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

{%- for level in levels %}

    level_{{ level }}_groups as (
        select
            {%- for column in columns[:level] %}
                peer_{{ column }},
            {%- endfor %}
            snapshot_month,
            count(*) as active_accounts,
            {{ money(quantile_cont('t12m_revenue', quantile)) }} as benchmark
        from attributed
        where is_active
        group by
            {%- for column in columns[:level] %}
                peer_{{ column }},
            {%- endfor %}
            snapshot_month
    ),
{%- endfor %}

leveled as (
    select
        attributed.customer_id,
        attributed.snapshot_month,
        {%- for level in levels %}
            level_{{ level }}_groups.active_accounts as level_{{ level }}_accounts,
            level_{{ level }}_groups.benchmark as level_{{ level }}_benchmark,
        {%- endfor %}
        {%- for column in columns %}
            attributed.peer_{{ column }},
        {%- endfor %}
        attributed.is_active
    from attributed
    {%- for level in levels %}
    left join level_{{ level }}_groups
        on
            attributed.snapshot_month = level_{{ level }}_groups.snapshot_month
            {%- for column in columns[:level] %}
                and attributed.peer_{{ column }} = level_{{ level }}_groups.peer_{{ column }}
            {%- endfor %}
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
            level_{{ level }}_benchmark,
        {%- endfor %}
        case
            {%- for level in levels if level > 0 %}
                when level_{{ level }}_accounts >= {{ min_size }} then {{ level }}
            {%- endfor %}
            else 0
        end as peer_level
    from leveled
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
