{#-
    Fails when a relation's grouped totals differ from the sum of their parts by more than `tolerance`.
    `total` and `parts` are SQL expressions over the same row; returns the offending rows.
-#}
{% test sums_match(model, total, parts, tolerance=0.01) %}

    select *
    from {{ model }}
    where abs(({{ total }}) - ({{ parts | join(' + ') }})) > {{ tolerance }}
        or (({{ total }}) is null) != (({{ parts | join(' + ') }}) is null)

{% endtest %}
