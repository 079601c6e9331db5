{#- SPEC §5 value x potential matrix: per value tier (in registry order) one cell when the potential tier
    is one of the first two (high, medium) and one otherwise. Labels: segments.value_potential_cell,
    listed row by row. -#}
{% macro value_potential_cell(value_tier, potential_tier) -%}
    {%- set tiers = seg_labels('value_tier', 4) -%}
    {%- set cells = seg_labels('value_potential_cell', 8) -%}
    {%- set growth = seg_labels('potential_tier', 4)[:2] -%}
    {%- set growth_sql = "('" ~ growth | join("', '") ~ "')" -%}
    case
        {%- for tier in tiers[:-1] %}
        when {{ value_tier }} = '{{ tier }}' and {{ potential_tier }} in {{ growth_sql }} then '{{ cells[2 * loop.index0] }}'
        when {{ value_tier }} = '{{ tier }}' then '{{ cells[2 * loop.index0 + 1] }}'
        {%- endfor %}
        when {{ potential_tier }} in {{ growth_sql }} then '{{ cells[6] }}'
        else '{{ cells[7] }}'
    end
{%- endmacro %}
