{#-
    SPEC §2 rule 9 on Spark (the post-hook flag_duplicate_lines, macros/staging/duplicate_lines.sql): Parquet
    tables have no UPDATE, and Spark refuses to overwrite a table it reads in the same statement. The rows
    whose verdict changes (duplicate_lines_changed, shared with the other engines) are merged into a copy
    of the table, which then replaces the table's contents (`insert overwrite`) and is dropped. Returns no
    SQL of its own: the statements run here, in order.
-#}
{% macro spark__flag_duplicate_lines() %}
    {%- set raw = raw_source('transactions') -%}
    {%- set compared = ['invoice_id', 'customer_id', 'invoiced_at', 'product_id', 'quantity', 'unit_price', 'currency'] -%}
    {%- set raw_columns = ['invoice_id', 'line_number', 'customer_id', 'invoiced_at', 'product_id', 'quantity',
                           'unit_price', 'currency'] -%}
    {%- if execute and seg_var('drop_duplicate_lines') -%}
        {%- set latest = run_query("select coalesce(max(batch_first_row_number), 1) from " ~ this).columns[0].values()[0] -%}
        {%- set flagged = duplicate_lines_changed(latest, compared, raw_columns, raw) -%}
        {%- if run_query("select count(*) from (" ~ flagged ~ ") as changed_rows").columns[0].values()[0] > 0 -%}
            {%- set replaced = ['reason'] -%}
            {%- for column in raw_columns -%}
                {%- do replaced.append('raw_' ~ column) -%}
            {%- endfor -%}
            {%- set copy = this.identifier ~ '__flagged' -%}
            {%- set copy_relation = api.Relation.create(schema=this.schema, identifier=copy, type='table') -%}
            {%- set columns = adapter.get_columns_in_relation(this) -%}
            {% call statement('flag_duplicates_clear') -%}
                drop table if exists {{ copy_relation }}
            {%- endcall %}
            {% call statement('flag_duplicates_copy') -%}
                create table {{ copy_relation }} using parquet as
                select
                    {%- for column in columns %}
                        {%- if column.name in replaced %}
                            case
                                when flagged.source_row_number is not null then flagged.{{ column.name }}
                                else validated.{{ column.name }}
                            end as {{ column.name }}{{ ',' if not loop.last }}
                        {%- else %}
                            validated.{{ column.name }}{{ ',' if not loop.last }}
                        {%- endif %}
                    {%- endfor %}
                from {{ this }} as validated
                left join ({{ flagged }}) as flagged
                    on validated.source_row_number = flagged.source_row_number
            {%- endcall %}
            {% call statement('flag_duplicates_replace') -%}
                insert overwrite table {{ this }} select * from {{ copy_relation }}
            {%- endcall %}
            {% call statement('flag_duplicates_drop') -%}
                drop table if exists {{ copy_relation }}
            {%- endcall %}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}
