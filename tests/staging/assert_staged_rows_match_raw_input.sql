-- Every raw transactions row is the row staging typed: same number of rows, and the sum of the rows'
-- fingerprints (macro raw_row_fingerprint: position and raw values) equals the one stored with the typed
-- rows in stg_transactions_validated. It differs when rows were rewritten in place after an incremental
-- run (the input must be append-only) or a row was staged twice or not at all. The test depends only on
-- the raw input and stg_transactions_validated, so `dbt build` runs it before every model downstream and
-- skips them when it fails: no mart is built from stale rows. `dbt build --full-refresh` re-stages.
with raw_transactions as (
    select * from {{ raw_source('transactions') }}
),

validated as (
    select * from {{ ref('stg_transactions_validated') }}
),

raw_totals as (
    select
        count(*) as row_count,
        coalesce(sum({{ raw_row_fingerprint() }}), 0) as fingerprint
    from raw_transactions
),

validated_totals as (
    select
        count(*) as row_count,
        coalesce(sum(raw_fingerprint), 0) as fingerprint
    from validated
),

final as (
    select
        raw_totals.row_count as raw_rows,
        validated_totals.row_count as validated_rows,
        'raw rows differ from the rows staged (rewritten in place?): run dbt build --full-refresh' as problem
    from raw_totals
    cross join validated_totals
    where
        raw_totals.row_count != validated_totals.row_count
        or raw_totals.fingerprint != validated_totals.fingerprint
)

select * from final
