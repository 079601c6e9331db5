{#-
    Fails with the rows for which `expression` is not true (false or null).
    Usage: data_tests: [expression_is_true: {arguments: {expression: "amount >= 0"}}] on a model or column.
-#}
{% test expression_is_true(model, expression, column_name=none) %}

    select *
    from {{ model }}
    where not coalesce(({{ expression }}), false)

{% endtest %}
