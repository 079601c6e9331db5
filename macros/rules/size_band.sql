{#- SPEC §5 size band from employee_count: < 50, < 250, < 1000, >= 1000, else (null) unknown.
    Labels: segments.size_band. -#}
{% macro size_band(employee_count) -%}
    {%- set small, mid, large, enterprise, unknown = seg_labels('size_band', 5) -%}
    case
        when {{ employee_count }} < 50 then '{{ small }}'
        when {{ employee_count }} < 250 then '{{ mid }}'
        when {{ employee_count }} < 1000 then '{{ large }}'
        when {{ employee_count }} >= 1000 then '{{ enterprise }}'
        else '{{ unknown }}'
    end
{%- endmacro %}
