"""Comparing the marts of a build on another engine with the DuckDB build of the same input.

SPEC §0 tolerances: money within 0.01, ratios within 1e-9, everything else (text, dates, integers,
booleans) exact. Rows are matched on the mart's key columns. Shared by the PostgreSQL tests (and the
Spark ones, which mirror them).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from conftest import Build
from segmentation import PROJECT_DIR

#: The demo seeds, the raw input of the warehouse-table (`source: warehouse`) cases.
SEEDS = PROJECT_DIR / "seeds" / "demo"
RAW_TABLES = ("transactions", "customers", "products", "fx_rates")

#: SPEC §0 tolerances.
MONEY_TOLERANCE = Decimal("0.01")
RATIO_TOLERANCE = Decimal("1e-9")

#: Every mart and its key (the unique combination its YAML tests).
MART_KEYS: dict[str, list[str]] = {
    "fct_transactions": ["transaction_key"],
    "fct_customer_months": ["customer_id", "revenue_month"],
    "fct_customer_snapshots": ["customer_id", "snapshot_month"],
    "dim_customers": ["customer_id"],
    "mart_monthly_revenue": ["revenue_month"],
    "mart_segment_summary": ["snapshot_month", "segment_type", "segment"],
    "mart_cohort_retention": ["cohort_month", "months_since_acquisition"],
    "mart_segment_migration": ["snapshot_month", "from_value_tier", "to_value_tier"],
    "dim_segment_playbook": ["value_tier"],
}

#: Ratio columns (compared to 1e-9); every other decimal column is money (0.01).
RATIO_COLUMNS = {
    "arpa",
    "t12m_arpa",
    "purchase_frequency",
    "nrr_t12m",
    "grr_t12m",
    "revenue_share",
    "account_share",
    "logo_retention",
    "revenue_retention",
    "sales_time_share",
}


#: Columns only the DuckDB build computes: the SPEC §10 CLV predictions come from dbt Python models, which
#: only dbt-duckdb runs here (macro clv_models_enabled). Other engines carry these values instead.
DUCKDB_ONLY_COLUMNS: dict[str, dict[str, Any]] = {
    "dim_customers": {"p_alive": None, "expected_purchases": None, "predicted_revenue": None, "churn_risk": "unknown"},
}


def normalise(value: Any) -> Any:
    """One Python form per value whatever the driver: decimals and floats as Decimal, timestamps naive."""
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    return value


def close(column: str, actual: Any, expected: Any) -> bool:
    actual, expected = normalise(actual), normalise(expected)
    if isinstance(actual, Decimal) or isinstance(expected, Decimal):
        if actual is None or expected is None:
            return actual is None and expected is None
        tolerance = RATIO_TOLERANCE if column in RATIO_COLUMNS else MONEY_TOLERANCE
        return abs(Decimal(actual) - Decimal(expected)) <= tolerance
    return actual == expected


def columns_of(build: Build, schema: str, table: str) -> list[str]:
    rows = build.query(
        "select column_name from information_schema.columns where table_schema = %s and table_name = %s "
        "order by ordinal_position"
        if "PostgresBuild" in type(build).__name__
        else "select column_name from information_schema.columns where table_schema = ? and table_name = ? "
        "order by ordinal_position",
        [schema, table],
    )
    return [row[0] for row in rows]


def keyed_rows(build: Build, table: str, keys: list[str], columns: list[str]) -> dict[tuple, dict[str, Any]]:
    rows = build.query(f"select {', '.join(keys + columns)} from marts.{table}")
    result: dict[tuple, dict[str, Any]] = {}
    for row in rows:
        key = tuple(normalise(value) for value in row[: len(keys)])
        assert key not in result, f"{table}: key {key} twice"
        result[key] = dict(zip(columns, row[len(keys) :], strict=True))
    return result


def assert_marts_equal(
    actual: Build, expected: Build, engine: str, marts: dict[str, list[str]] | None = None
) -> dict[str, int]:
    """Every mart of `actual` (another engine) equals the DuckDB build `expected` (all of MART_KEYS, or
    `marts`: {table: key columns}); returns the row counts."""
    counts = {}
    for table, keys in (marts or MART_KEYS).items():
        expected_columns = columns_of(expected, "marts", table)
        actual_columns = columns_of(actual, "marts", table)
        if engine.startswith("spark"):
            # Spark stores a table's partition columns last (the incremental marts are partitioned by
            # revenue_month on Spark): the same columns, in another order
            actual_columns, expected_columns = sorted(actual_columns), sorted(expected_columns)
        assert actual_columns == expected_columns, f"{engine} {table}: columns {actual_columns} != {expected_columns}"
        values = [column for column in expected_columns if column not in keys]
        want = keyed_rows(expected, table, keys, values)
        got = keyed_rows(actual, table, keys, values)
        assert set(got) == set(want), (
            f"{engine} {table}: keys differ; missing {sorted(set(want) - set(got))[:5]},"
            f" extra {sorted(set(got) - set(want))[:5]}"
        )
        duckdb_only = {} if engine.startswith("duckdb") else DUCKDB_ONLY_COLUMNS.get(table, {})
        mismatches = [
            (key, column, got[key][column], duckdb_only.get(column, value))
            for key, row in want.items()
            for column, value in row.items()
            if not close(column, got[key][column], duckdb_only.get(column, value))
        ]
        assert not mismatches, f"{engine} {table}: {len(mismatches)} mismatches, e.g. {mismatches[:6]}"
        counts[table] = len(want)
    return counts


def load_duckdb_raw_tables(database: Path) -> None:
    """Schema `raw` of a DuckDB file with the four demo seeds as text tables (the `source: warehouse` input)."""
    with duckdb.connect(str(database)) as connection:
        connection.execute("create schema raw")
        for entity in RAW_TABLES:
            connection.execute(
                f"create table raw.{entity} as select * from read_csv(?, header = true, all_varchar = true)",
                [str(SEEDS / f"raw_{entity}.csv")],
            )


#: The demo transactions as typed columns, what a warehouse would hold (the typed-column path of SPEC §1
#: for tables): a demo value its type cannot hold (`1,000`, `2025-02-30`) becomes null, and staging
#: rejects it for the same reason as the text. `select {TYPED_TRANSACTIONS_COLUMNS} from <text table>`.
TYPED_TRANSACTIONS_COLUMNS = """
    invoice_id,
    try_cast(line_number as bigint) as line_number,
    customer_id,
    try_cast(invoiced_at as timestamp) as invoiced_at,
    product_id,
    try_cast(quantity as double) as quantity,
    try_cast(unit_price as decimal(20, 7)) as unit_price,
    currency
"""
