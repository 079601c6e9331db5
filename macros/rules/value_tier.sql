{#- SPEC §5 value tier of an amount (value_tier on t12m_revenue): above value_tier_high_above, from
    value_tier_medium_from, above 0, else. Labels: segments.value_tier. -#}
{% macro value_tier(amount) -%}
    {{ value_tier_thresholds(amount, seg_labels('value_tier', 4)) }}
{%- endmacro %}


{#- The value-tier thresholds applied to `amount`, naming the four outcomes with `labels` (the value tier's
    own, or the potential tier's: SPEC §5 applies the same thresholds to potential). -#}
{% macro value_tier_thresholds(amount, labels) -%}
    {%- set high, medium, low, zero = labels -%}
    case
        when {{ amount }} > {{ seg_var('value_tier_high_above') }} then '{{ high }}'
        when {{ amount }} >= {{ seg_var('value_tier_medium_from') }} then '{{ medium }}'
        when {{ amount }} > 0 then '{{ low }}'
        else '{{ zero }}'
    end
{%- endmacro %}
