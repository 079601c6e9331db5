{#- SPEC §5 value tier of an amount (value_tier on t12m_revenue): above value_tier_high_above, from
    value_tier_medium_from, above 0, else. Labels: segments.value_tier. -#}
{% macro value_tier(amount) -%}
    {%- set high, medium, low, inactive = seg_labels('value_tier', 4) -%}
    case
        when {{ amount }} > {{ seg_var('value_tier_high_above') }} then '{{ high }}'
        when {{ amount }} >= {{ seg_var('value_tier_medium_from') }} then '{{ medium }}'
        when {{ amount }} > 0 then '{{ low }}'
        else '{{ inactive }}'
    end
{%- endmacro %}
