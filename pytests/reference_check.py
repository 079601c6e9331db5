"""Comparing a built warehouse with the reference implementation (pytests/reference_impl.py).

Shared by the randomised edge-case test (test_reference.py) and the real-data test
(test_online_retail.py). Money is compared at SPEC §0's tolerance, everything else exactly.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from conftest import Build
from reference_impl import Result

#: SPEC §0: figures are compared at a tolerance of 0.01.
TOLERANCE = Decimal("0.01")


def close(actual: Any, expected: Any) -> bool:
    if isinstance(expected, Decimal) or isinstance(actual, Decimal):
        if actual is None or expected is None:
            return actual is expected
        return abs(Decimal(actual) - Decimal(expected)) <= TOLERANCE
    return actual == expected


def compare(name: str, actual: dict, expected: dict) -> None:
    assert set(actual) == set(expected), (
        f"{name}: keys differ; missing {sorted(set(expected) - set(actual))[:5]},"
        f" extra {sorted(set(actual) - set(expected))[:5]}"
    )
    mismatches = [
        (key, column, actual[key][column], value)
        for key, row in expected.items()
        for column, value in row.items()
        if not close(actual[key][column], value)
    ]
    assert not mismatches, f"{name}: {len(mismatches)} mismatches, e.g. {mismatches[:8]}"


def rows_by_key(build: Build, table: str, keys: list[str], columns: list[str]) -> dict:
    result = {}
    for row in build.query(f"select {', '.join(keys + columns)} from marts.{table}"):
        key = row[0] if len(keys) == 1 else tuple(row[: len(keys)])
        result[key] = dict(zip(columns, row[len(keys) :], strict=True))
    return result


def assert_marts_match(build: Build, expected: Result) -> None:
    """Every SPEC §3-7 mart of `build` equals the reference implementation's rows (money within 0.01)."""
    month_columns = list(next(iter(expected.customer_months.values())))
    compare(
        "fct_customer_months",
        rows_by_key(build, "fct_customer_months", ["customer_id", "revenue_month"], month_columns),
        expected.customer_months,
    )
    snapshot_columns = list(next(iter(expected.snapshots.values())))
    compare(
        "fct_customer_snapshots",
        rows_by_key(build, "fct_customer_snapshots", ["customer_id", "snapshot_month"], snapshot_columns),
        expected.snapshots,
    )
    customer_columns = list(next(iter(expected.customers.values())))
    compare("dim_customers", rows_by_key(build, "dim_customers", ["customer_id"], customer_columns), expected.customers)
    categories = {
        (invoice, customer, at, product): {"revenue_category": category}
        for invoice, customer, at, product, category in build.query(
            "select invoice_id, customer_id, invoiced_at, product_id, revenue_category from marts.fct_transactions"
        )
    }
    compare(
        "fct_transactions",
        categories,
        {key: {"revenue_category": value} for key, value in expected.categories.items()},
    )
    for table, keys, expected_rows in (
        ("mart_monthly_revenue", ["revenue_month"], expected.monthly),
        ("mart_segment_summary", ["snapshot_month", "segment_type", "segment"], expected.segments),
        ("mart_cohort_retention", ["cohort_month", "months_since_acquisition"], expected.cohorts),
        ("mart_segment_migration", ["snapshot_month", "from_value_tier", "to_value_tier"], expected.migration),
    ):
        columns = list(next(iter(expected_rows.values())))
        compare(table, rows_by_key(build, table, keys, columns), expected_rows)
