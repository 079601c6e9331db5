{#- Money and ratios in the marts: DECIMAL(38,10), never a binary float. Sums are taken over the exact
    DECIMAL(38,22) line amounts first; only the presented figure is cast. -#}
{% macro money(expression) -%}
    cast({{ expression }} as decimal(38, 10))
{%- endmacro %}

{#- A ratio of two figures as DECIMAL(38,10); null when the denominator is 0 or null. -#}
{% macro ratio(numerator, denominator) -%}
    cast(
        cast({{ numerator }} as decimal(38, 12)) / nullif(cast({{ denominator }} as decimal(38, 12)), 0)
        as decimal(38, 10)
    )
{%- endmacro %}

{#- A sum of exact line amounts, kept as DECIMAL(38,22) (the line amount's type) on every engine:
    PostgreSQL's sum(numeric) has no declared scale and Spark widens the precision. -#}
{% macro amount_sum(expression) -%}
    cast(sum({{ expression }}) as decimal(38, 22))
{%- endmacro %}
