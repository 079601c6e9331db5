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
    never a binary float. The factors are the exact DECIMAL(27,12) inputs (exact_number_type).

    Why the products are taken in pieces (decimal_product): decimal multiplication adds the scales, and
    DuckDB and Spark (spark.sql.decimalOperations.allowPrecisionLoss=false) cap the result at 38 digits
    without lowering the scale, so DECIMAL(27,12) * DECIMAL(27,12) is DECIMAL(38,24), which overflows
    from 1e14 on, and a third factor would leave 2 integer digits. Splitting each factor into its whole
    part and its fraction keeps every partial product exact within 38 digits; only the product of the
    two fractions (24 decimals) is rounded to 12. PostgreSQL's numeric has no ceiling; the same
    expression gives the same figures there. A line's |quantity * unit_price| and |amount| must stay
    below 1e26.
-#}
{% macro line_amount(quantity, unit_price, rate) -%}
    {{ decimal_product(line_gross(quantity, unit_price), rate, 26, 15) }}
{%- endmacro %}


{#- quantity * unit_price (in the line's currency) as DECIMAL(38,12); see line_amount. -#}
{% macro line_gross(quantity, unit_price) -%}
    {{ decimal_product(quantity, unit_price, 15, 15) }}
{%- endmacro %}


{#- a * b to 12 decimals as DECIMAL(38,12), for decimals a and b with at most 12 decimals and
    `a_digits` / `b_digits` integer digits (documentation of the bounds the callers rely on):
    floor(a) * b + frac(a) * floor(b) + frac(a) * frac(b), the last term rounded to 12 decimals, every
    other one exact. -#}
{% macro decimal_product(a, b, a_digits, b_digits) -%}
    {#- every operand cast to 38 digits: DuckDB multiplies two narrow decimals in 64 bits and overflows
        instead of widening (the declared digits only bound the values; the result type is (38, 12)) -#}
    {%- set a_whole = 'cast(floor(' ~ a ~ ') as decimal(38, 0))' -%}
    {%- set a_fraction = 'cast(' ~ a ~ ' - floor(' ~ a ~ ') as decimal(38, 12))' -%}
    {%- set b_whole = 'cast(floor(' ~ b ~ ') as decimal(38, 0))' -%}
    {%- set b_fraction = 'cast(' ~ b ~ ' - floor(' ~ b ~ ') as decimal(38, 12))' -%}
    cast(
        {{ a_whole }} * cast({{ b }} as decimal(38, 12))
        + {{ a_fraction }} * {{ b_whole }}
        + cast({{ a_fraction }} * {{ b_fraction }} as decimal(38, 12))
        as decimal(38, 12)
    )
{%- endmacro %}


{#- A sum of exact line amounts, kept as DECIMAL(38,12) (the line amount's type) on every engine:
    PostgreSQL's sum(numeric) has no declared scale and Spark widens the precision. -#}
{% macro amount_sum(expression) -%}
    cast(sum({{ expression }}) as decimal(38, 12))
{%- endmacro %}
