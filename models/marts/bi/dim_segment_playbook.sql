-- SPEC §7: one row per value_tier with the recommended treatment (seed seeds/reference/segment_playbook.csv);
-- tier_rank is the tier's position in the segment registry (segments.value_tier in dbt_project.yml).
-- Built after the input checks like every mart (a stop-the-build input error leaves no mart built):
-- depends_on: {{ ref('int_as_of_dates') }}
with playbook as (
    select * from {{ ref('segment_playbook') }}
),

final as (
    select
        cast(value_tier as {{ type_text() }}) as value_tier,
        cast(case value_tier
            {%- for tier in seg_labels('value_tier') %}
                when '{{ tier }}' then {{ loop.index }}
            {%- endfor %}
        end as integer) as tier_rank,
        cast(sales_time_share as decimal(5, 4)) as sales_time_share,
        cast(support_level as {{ type_text() }}) as support_level,
        cast(account_review_cadence as {{ type_text() }}) as account_review_cadence,
        cast(pitch_approach as {{ type_text() }}) as pitch_approach,
        cast(account_owner as {{ type_text() }}) as account_owner,
        cast(treatment as {{ type_text() }}) as treatment
    from playbook
)

select * from final
order by tier_rank
