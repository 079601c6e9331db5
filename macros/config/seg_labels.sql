{#-
    The segment registry (var `segments` in dbt_project.yml): each classification's labels in their
    order and the vars holding its thresholds. The rule macros (macros/rules/), the
    accepted_segment_labels test, the playbook and the analyses take their labels from here, so a label
    is written once. segmentation.registry reads the same block for the Python tools.
-#}

{#- The labels of `classification`, in registry order; `count`: the number the caller's rule needs. -#}
{% macro seg_labels(classification, count=none) %}
    {%- set registry = seg_var('segments') -%}
    {%- if classification not in registry -%}
        {{ exceptions.raise_compiler_error(
            "segment registry: no classification '" ~ classification ~ "' under vars: segments: in dbt_project.yml"
            ~ " (known: " ~ (registry.keys() | list | sort | join(', ')) ~ ")"
        ) }}
    {%- endif -%}
    {%- set labels = registry[classification]['labels'] -%}
    {%- if count is not none and labels | length != count -%}
        {{ exceptions.raise_compiler_error(
            "segment registry: segments." ~ classification ~ ".labels has " ~ labels | length ~ " labels, its rule macro"
            ~ " needs " ~ count ~ " (" ~ labels | join(', ') ~ ")"
        ) }}
    {%- endif -%}
    {{ return(labels) }}
{% endmacro %}


{#- The labels of `classification` as a SQL list of quoted strings. -#}
{% macro seg_labels_sql(classification) -%}
    ({%- for label in seg_labels(classification) -%} '{{ label }}'{{ ", " if not loop.last }} {%- endfor -%})
{%- endmacro %}
