{#-
    The incremental config of a model, per engine: each adapter's own strategy, no hooks.

    `unique_key` is what DuckDB and PostgreSQL replace (`delete+insert`: every target row whose key value
    is in the run's batch is deleted, then the batch is inserted; dbt-duckdb and dbt-postgres delete with
    `where (key) in (select key from batch)`, so the key need not be unique: `revenue_month` replaces whole
    months). `partition_by` is what Spark replaces (`insert_overwrite` of Parquet tables partitioned by
    that column: dbt-spark sets `spark.sql.sources.partitionOverwriteMode=dynamic`, so only the partitions
    present in the batch are overwritten). A model's batch always holds every row of each month (key) it
    touches, so both replace the same rows. Schema changes fail (`on_schema_change='fail'`).
-#}
{% macro incremental_config(unique_key, partition_by) %}
    {{ return(adapter.dispatch('incremental_config', 'segmentation')(unique_key, partition_by)) }}
{% endmacro %}

{% macro default__incremental_config(unique_key, partition_by) %}
    {{ return({
        'materialized': 'incremental',
        'incremental_strategy': 'delete+insert',
        'unique_key': unique_key,
        'on_schema_change': 'fail',
    }) }}
{% endmacro %}

{% macro spark__incremental_config(unique_key, partition_by) %}
    {{ return({
        'materialized': 'incremental',
        'incremental_strategy': 'insert_overwrite',
        'partition_by': [partition_by],
        'file_format': 'parquet',
        'on_schema_change': 'fail',
    }) }}
{% endmacro %}
