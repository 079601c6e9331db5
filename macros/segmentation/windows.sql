{#-
    Distinct counts over T12M windows (SPEC §0, §5): an item (an invoice, a penetration key) seen in
    several months of a window counts once in it. `relation` has one row per customer_id, item and
    month the item occurs in. Each occurrence extends the item's coverage of snapshot months, the
    windows s with month in s-11..s, i.e. s in [month, month + 11]; consecutive occurrences of the
    same item overlap, so an occurrence only adds [max(month, previous month + 12), month + 11].
    Returns (customer_id, month, delta): a running sum of delta over a customer's contiguous month
    spine gives, at each snapshot month s, the number of distinct items in s's T12M window.
    O(rows): no join of every month with its 12-month window.
-#}
{% macro t12m_distinct_count_deltas(relation, item_column) %}
    with occurrences as (
        select
            customer_id,
            month,
            lag(month) over (partition by customer_id, {{ item_column }} order by month) as previous_month
        from {{ relation }}
    ),

    events as (
        select
            customer_id,
            case
                when previous_month is null then month
                else greatest(month, {{ add_months('previous_month', 12) }})
            end as month,
            1 as delta
        from occurrences
        union all
        select
            customer_id,
            {{ add_months('month', 12) }} as month,
            -1 as delta
        from occurrences
    )

    select
        customer_id,
        month,
        sum(delta) as delta
    from events
    group by customer_id, month
{% endmacro %}
