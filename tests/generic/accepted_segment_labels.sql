{#- Every value of the column is a label of classification `of` in the segment registry (var `segments`
    in dbt_project.yml): dbt's accepted_values with the registry's list, so the labels are written once. -#}
{% test accepted_segment_labels(model, column_name, of) %}
    {{ adapter.dispatch('test_accepted_values', 'dbt')(model, column_name, seg_labels(of)) }}
{% endtest %}
