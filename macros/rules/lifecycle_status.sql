{#- SPEC §6 lifecycle status at as_of_month. Labels: segments.lifecycle_status. -#}
{% macro lifecycle_status(acquisition_month, as_of_month, t12m_revenue) -%}
    {%- set prospect, new, active, churned = seg_labels('lifecycle_status', 4) -%}
    case
        when {{ acquisition_month }} is null or {{ acquisition_month }} > {{ as_of_month }} then '{{ prospect }}'
        when {{ acquisition_month }} >= {{ add_months(as_of_month, -11) }} then '{{ new }}'
        when {{ t12m_revenue }} > 0 then '{{ active }}'
        else '{{ churned }}'
    end
{%- endmacro %}
