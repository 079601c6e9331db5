{#- SPEC §3 movement of an account-month, the first rule that applies (labels: segments.movement). -#}
{% macro revenue_movement(revenue, previous_revenue, revenue_month, acquisition_month) -%}
    {%- set new, churn, reactivation, expansion, contraction, unchanged, inactive = seg_labels('movement', 7) -%}
    case
        when {{ revenue_month }} = {{ acquisition_month }} then '{{ new }}'
        when {{ previous_revenue }} > 0 and not {{ revenue }} > 0 then '{{ churn }}'
        when not {{ previous_revenue }} > 0 and {{ revenue }} > 0 and {{ revenue_month }} > {{ acquisition_month }}
            then '{{ reactivation }}'
        when {{ previous_revenue }} > 0 and {{ revenue }} > {{ previous_revenue }} then '{{ expansion }}'
        when {{ previous_revenue }} > 0 and {{ revenue }} > 0 and {{ revenue }} < {{ previous_revenue }}
            then '{{ contraction }}'
        when {{ previous_revenue }} > 0 and {{ revenue }} = {{ previous_revenue }} then '{{ unchanged }}'
        else '{{ inactive }}'
    end
{%- endmacro %}
