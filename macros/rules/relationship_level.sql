{#- SPEC §5 relationship level from tenure (months, null when not acquired) and keys bought to date.
    Labels: segments.relationship_level. -#}
{% macro relationship_level(tenure_months, keys_to_date) -%}
    {%- set new, developing, established, partner = seg_labels('relationship_level', 4) -%}
    case
        when {{ tenure_months }} is null or {{ tenure_months }} < {{ seg_var('relationship_new_below_months') }}
            then '{{ new }}'
        when
            {{ tenure_months }} >= {{ seg_var('relationship_partner_min_months') }}
            and {{ keys_to_date }} >= {{ seg_var('relationship_partner_min_keys') }}
            then '{{ partner }}'
        when {{ keys_to_date }} >= {{ seg_var('relationship_established_min_keys') }} then '{{ established }}'
        else '{{ developing }}'
    end
{%- endmacro %}
