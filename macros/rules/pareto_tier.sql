{#- SPEC §5 Pareto tier from the revenue of the accounts ranked strictly before and the month's total
    active revenue; compared as revenue_before < cut x total, exact in decimals (var pareto_cuts).
    Labels: segments.pareto_tier. -#}
{% macro pareto_tier(is_active, revenue_before, total_active_revenue) -%}
    {%- set cuts = seg_var('pareto_cuts') -%}
    {%- set a, b, c, d = seg_labels('pareto_tier', 4) -%}
    case
        when not {{ is_active }} then '{{ d }}'
        when {{ revenue_before }} < {{ cuts[0] }} * {{ total_active_revenue }} then '{{ a }}'
        when {{ revenue_before }} < {{ cuts[1] }} * {{ total_active_revenue }} then '{{ b }}'
        when {{ revenue_before }} < {{ cuts[2] }} * {{ total_active_revenue }} then '{{ c }}'
        else '{{ d }}'
    end
{%- endmacro %}
