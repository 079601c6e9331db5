{#- The comment stored on a table (`comment on table`), or none. -#}
{% macro relation_comment(relation) -%}
    {{ return(adapter.dispatch('relation_comment', 'segmentation')(relation)) }}
{%- endmacro %}

{% macro default__relation_comment(relation) -%}
    {%- set query -%}
        select obj_description(to_regclass('{{ relation }}'), 'pg_class')
    {%- endset -%}
    {{ return((run_query(query).columns[0].values() | list + [none])[0]) }}
{%- endmacro %}

{% macro duckdb__relation_comment(relation) -%}
    {%- set query -%}
        select comment from duckdb_tables()
        where database_name = '{{ relation.database }}' and schema_name = '{{ relation.schema }}'
            and table_name = '{{ relation.identifier }}'
    {%- endset -%}
    {{ return((run_query(query).columns[0].values() | list + [none])[0]) }}
{%- endmacro %}

{#- Spark: the `Comment` row of `describe table extended` (set by `comment on table`). -#}
{% macro spark__relation_comment(relation) -%}
    {%- for row in run_query('describe table extended ' ~ relation).rows -%}
        {%- if row[0] == 'Comment' -%}
            {{ return(row[1]) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(none) }}
{%- endmacro %}
