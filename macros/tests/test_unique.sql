{#-
    dbt's `unique` test on DuckDB (dispatched from the built-in test): the same failing rows, found faster
    on whole-number keys. A hash aggregation over every value costs about 1 s per 10M rows; on an
    integer column whose values span a dense range, a bitmap of the values (bitstring_agg) tells in one
    pass whether any value repeats. Only then is the usual group-by run, to list the repeated values.
-#}
{% macro duckdb__test_unique(model, column_name) %}
    {%- set group_by -%}
        select {{ column_name }} as unique_field, count(*) as n_records
        from {{ model }}
        where {{ column_name }} is not null
        group by {{ column_name }}
        having count(*) > 1
    {%- endset -%}
    {%- if execute and unique_test_can_use_bitmap(model, column_name) -%}
        {%- set stats = run_query(
            "select min(" ~ column_name ~ "), max(" ~ column_name ~ "), count(" ~ column_name ~ ") from " ~ model
        ).rows[0] -%}
        {%- if stats[2] == 0 or stats[1] - stats[0] + 1 <= 64 * stats[2] + 1000000 -%}
            {%- set distinct_query -%}
                select coalesce(bit_count(bitstring_agg({{ column_name }}, {{ stats[0] or 0 }}, {{ stats[1] or 0 }})), 0)
                from {{ model }}
            {%- endset -%}
            {%- if stats[2] == 0 or run_query(distinct_query).columns[0].values()[0] == stats[2] -%}
                {{ return('select cast(null as bigint) as unique_field, 0 as n_records where false') }}
            {%- endif -%}
        {%- endif -%}
    {%- endif -%}
    {{ return(group_by) }}
{% endmacro %}


{#- Whether `column_name` of the relation `model` holds whole numbers (BIGINT, INTEGER, ...). -#}
{% macro unique_test_can_use_bitmap(model, column_name) %}
    {%- if model is not string and model.identifier is defined and model.identifier -%}
        {%- for column in adapter.get_columns_in_relation(model) -%}
            {%- if column.name | lower == column_name | lower -%}
                {{ return(column.dtype | upper in ['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT']) }}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(false) }}
{% endmacro %}
