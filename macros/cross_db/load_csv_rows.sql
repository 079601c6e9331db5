{#- dbt seed on PostgreSQL: dbt's default__load_csv_rows renders its insert with a Jinja loop per row and
    per column (about two minutes for the 35k demo lines); this builds the same parameterised
    `insert .. values (%s, ..), ..` statements from one row template (same rows, same bindings). -#}
{% macro postgres__load_csv_rows(model, agate_table) %}
    {%- set batch_size = get_batch_size() -%}
    {%- set cols_sql = get_seed_column_quoted_csv(model, agate_table.column_names) -%}
    {%- set width = agate_table.column_names | length -%}
    {%- set row_template = '(' ~ ([get_binding_char()] * width) | join(',') ~ ')' -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(batch_size) -%}
        {%- set bindings = [] -%}
        {%- for row in chunk -%}
            {%- do bindings.extend(row) -%}
        {%- endfor -%}
        {%- set sql = 'insert into ' ~ this.render() ~ ' (' ~ cols_sql ~ ') values ' ~ ([row_template] * (chunk | length)) | join(',') -%}
        {%- do adapter.add_query(sql, bindings=bindings, abridge_sql_log=True) -%}
        {%- if loop.index0 == 0 -%}
            {%- do statements.append(sql) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(statements[0]) }}
{% endmacro %}
