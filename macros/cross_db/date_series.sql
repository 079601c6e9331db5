{#- A select-list expression that expands one row into one row per date from `start_date` to
    `end_date` (inclusive) in steps of one `datepart` (`month` or `day`), as a date: the spine of
    calendar tables. Use it alone in a select list item (`{{ date_series(a, b, 'month') }} as month`);
    no row when start_date > end_date. -#}
{% macro date_series(start_date, end_date, datepart) -%}
    {%- if datepart not in ['month', 'day'] -%}
        {{ exceptions.raise_compiler_error("date_series: datepart must be 'month' or 'day', got '" ~ datepart ~ "'") }}
    {%- endif -%}
    {{ return(adapter.dispatch('date_series', 'segmentation')(start_date, end_date, datepart)) }}
{%- endmacro %}

{% macro default__date_series(start_date, end_date, datepart) -%}
    cast(
        generate_series(
            cast({{ start_date }} as timestamp), cast({{ end_date }} as timestamp), interval '1 {{ datepart }}'
        ) as date
    )
{%- endmacro %}

{% macro duckdb__date_series(start_date, end_date, datepart) -%}
    cast(unnest(generate_series({{ start_date }}, {{ end_date }}, interval 1 {{ datepart }})) as date)
{%- endmacro %}

{% macro spark__date_series(start_date, end_date, datepart) -%}
    explode(sequence(cast({{ start_date }} as date), cast({{ end_date }} as date), interval 1 {{ datepart }}))
{%- endmacro %}
