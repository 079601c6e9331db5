{#- Money and ratios in the marts: DECIMAL(38,10), never a binary float. Sums are taken over the
    DECIMAL(38,12) line amounts (line_amount) first; only the presented figure is cast. -#}
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


{#-
    SPEC §0: a line's amount = quantity * unit_price * rate, kept to 12 decimal places (DECIMAL(38,12)),
    never a binary float. The factors are DECIMAL(27,12) (exact_number_type). Decimal multiplication
    adds the scales, and DuckDB and Spark (allowPrecisionLoss=false) cap the result at 38 digits
    without lowering the scale, so the product of two factors is DECIMAL(38,24) (14 integer digits):
    the product of quantity and price is brought back to 12 decimals before the rate is applied, and the
    result again. A line's |amount| (and |quantity * unit_price|) must stay below 1e14 (100 trillion);
    PostgreSQL's numeric has no such ceiling, and the results are the same on every engine.
-#}
{% macro line_amount(quantity, unit_price, rate) -%}
    cast({{ line_gross(quantity, unit_price) }} * {{ rate }} as decimal(38, 12))
{%- endmacro %}


{#- quantity * unit_price (in the line's currency) as DECIMAL(38,12); see line_amount. -#}
{% macro line_gross(quantity, unit_price) -%}
    cast({{ quantity }} * {{ unit_price }} as decimal(38, 12))
{%- endmacro %}
