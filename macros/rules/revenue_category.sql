{#- SPEC §4 category of a core line in month `revenue_month`; `first_bought_month` is the first month the
    account bought the line's penetration key (null if never). Non-core lines get null.
    Labels: segments.revenue_category. -#}
{% macro revenue_category(is_core, revenue_month, acquisition_month, first_bought_month) -%}
    {%- set conversion, retention, penetration = seg_labels('revenue_category', 3) -%}
    case
        when not {{ is_core }} then null
        when {{ acquisition_month }} is null or {{ revenue_month }} <= {{ acquisition_month }} then '{{ conversion }}'
        when {{ first_bought_month }} < {{ revenue_month }} then '{{ retention }}'
        else '{{ penetration }}'
    end
{%- endmacro %}
