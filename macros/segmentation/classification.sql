{#-
    The classification rules of SPEC §3-5, each in one place. Thresholds come from seg_var, so the
    models and their unit tests share one definition.
-#}

{#- The penetration key of a line (var penetration_grain): its product_line (default) or product_id. -#}
{% macro penetration_key() -%}
    {%- if seg_var('penetration_grain') == 'product' -%} product_id {%- else -%} product_line {%- endif -%}
{%- endmacro %}


{#- SPEC §3 movement, the first rule that applies. -#}
{% macro revenue_movement(revenue, previous_revenue, revenue_month, acquisition_month) -%}
    case
        when {{ revenue_month }} = {{ acquisition_month }} then 'new'
        when {{ previous_revenue }} > 0 and not {{ revenue }} > 0 then 'churn'
        when not {{ previous_revenue }} > 0 and {{ revenue }} > 0 and {{ revenue_month }} > {{ acquisition_month }}
            then 'reactivation'
        when {{ previous_revenue }} > 0 and {{ revenue }} > {{ previous_revenue }} then 'expansion'
        when {{ previous_revenue }} > 0 and {{ revenue }} > 0 and {{ revenue }} < {{ previous_revenue }}
            then 'contraction'
        when {{ previous_revenue }} > 0 and {{ revenue }} = {{ previous_revenue }} then 'unchanged'
        else 'inactive'
    end
{%- endmacro %}


{#- SPEC §4 category of a core line in month `revenue_month`; `first_bought_month` is the first month the
    account bought the line's penetration key (null if never). Non-core lines get null. -#}
{% macro revenue_category(is_core, revenue_month, acquisition_month, first_bought_month) -%}
    case
        when not {{ is_core }} then null
        when {{ acquisition_month }} is null or {{ revenue_month }} <= {{ acquisition_month }} then 'conversion'
        when {{ first_bought_month }} < {{ revenue_month }} then 'retention'
        else 'penetration'
    end
{%- endmacro %}


{#- SPEC §5 value tier of an amount (value_tier on t12m_revenue). -#}
{% macro value_tier(amount) -%}
    case
        when {{ amount }} > {{ seg_var('value_tier_high_above') }} then 'high'
        when {{ amount }} >= {{ seg_var('value_tier_medium_from') }} then 'medium'
        when {{ amount }} > 0 then 'low'
        else 'inactive'
    end
{%- endmacro %}


{#- SPEC §5 potential tier: the value-tier thresholds applied to potential (>= 0); `none` at 0. -#}
{% macro potential_tier(potential) -%}
    case
        when {{ potential }} > {{ seg_var('value_tier_high_above') }} then 'high'
        when {{ potential }} >= {{ seg_var('value_tier_medium_from') }} then 'medium'
        when {{ potential }} > 0 then 'low'
        else 'none'
    end
{%- endmacro %}


{#- SPEC §5 Pareto tier from the revenue of the accounts ranked strictly before and the month's total
    active revenue; compared as revenue_before < cut x total, exact in decimals. -#}
{% macro pareto_tier(is_active, revenue_before, total_active_revenue) -%}
    {%- set cuts = seg_var('pareto_cuts') -%}
    case
        when not {{ is_active }} then 'D'
        when {{ revenue_before }} < {{ cuts[0] }} * {{ total_active_revenue }} then 'A'
        when {{ revenue_before }} < {{ cuts[1] }} * {{ total_active_revenue }} then 'B'
        when {{ revenue_before }} < {{ cuts[2] }} * {{ total_active_revenue }} then 'C'
        else 'D'
    end
{%- endmacro %}


{#- SPEC §5 value x potential matrix. -#}
{% macro value_potential_cell(value_tier, potential_tier) -%}
    case
        when {{ value_tier }} = 'high' and {{ potential_tier }} in ('high', 'medium') then 'strategic_growth'
        when {{ value_tier }} = 'high' then 'protect'
        when {{ value_tier }} = 'medium' and {{ potential_tier }} in ('high', 'medium') then 'develop'
        when {{ value_tier }} = 'medium' then 'maintain'
        when {{ value_tier }} = 'low' and {{ potential_tier }} in ('high', 'medium') then 'hidden_gem'
        when {{ value_tier }} = 'low' then 'automate'
        when {{ potential_tier }} in ('high', 'medium') then 'win_back'
        else 'dormant'
    end
{%- endmacro %}


{#- SPEC §5 relationship level from tenure (months, null when not acquired) and keys bought to date. -#}
{% macro relationship_level(tenure_months, keys_to_date) -%}
    case
        when {{ tenure_months }} is null or {{ tenure_months }} < {{ seg_var('relationship_new_below_months') }}
            then 'new'
        when
            {{ tenure_months }} >= {{ seg_var('relationship_partner_min_months') }}
            and {{ keys_to_date }} >= {{ seg_var('relationship_partner_min_keys') }}
            then 'partner'
        when {{ keys_to_date }} >= {{ seg_var('relationship_established_min_keys') }} then 'established'
        else 'developing'
    end
{%- endmacro %}


{#- SPEC §6 lifecycle status at as_of_month. -#}
{% macro lifecycle_status(acquisition_month, as_of_month, t12m_revenue) -%}
    case
        when {{ acquisition_month }} is null or {{ acquisition_month }} > {{ as_of_month }} then 'prospect'
        when {{ acquisition_month }} >= {{ add_months(as_of_month, -11) }} then 'new'
        when {{ t12m_revenue }} > 0 then 'active'
        else 'churned'
    end
{%- endmacro %}
