{#- SPEC §5 potential tier: the value-tier thresholds applied to potential (>= 0); the last label at 0.
    Labels: segments.potential_tier. -#}
{% macro potential_tier(potential) -%}
    {%- set high, medium, low, none_ = seg_labels('potential_tier', 4) -%}
    case
        when {{ potential }} > {{ seg_var('value_tier_high_above') }} then '{{ high }}'
        when {{ potential }} >= {{ seg_var('value_tier_medium_from') }} then '{{ medium }}'
        when {{ potential }} > 0 then '{{ low }}'
        else '{{ none_ }}'
    end
{%- endmacro %}
