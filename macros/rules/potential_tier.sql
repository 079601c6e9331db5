{#- SPEC §5 potential tier: the value-tier thresholds applied to potential (>= 0); the last label at 0.
    Labels: segments.potential_tier. -#}
{% macro potential_tier(potential) -%}
    {{ value_tier_thresholds(potential, seg_labels('potential_tier', 4)) }}
{%- endmacro %}
