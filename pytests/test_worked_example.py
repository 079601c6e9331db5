"""SPEC §8's worked example end to end: CSV in, marts out, row for row."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from conftest import Build, write_csv


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Build:
    work = tmp_path_factory.mktemp("example")
    folder = work / "raw"
    write_csv(
        folder / "transactions.csv",
        [
            "invoice_id",
            "line_number",
            "customer_id",
            "invoiced_at",
            "product_id",
            "quantity",
            "unit_price",
            "currency",
        ],
        [
            ["I1", "1", "C1", "2024-01-10", "P1", "1", "100", "USD"],
            ["I2", "1", "C1", "2024-03-05", "P1", "1", "80", "USD"],
            ["I2", "2", "C1", "2024-03-05", "P2", "1", "50", "USD"],
            ["R1", "1", "C1", "2024-04-20", "P1", "-1", "20", "USD"],
        ],
    )
    write_csv(
        folder / "products.csv",
        ["product_id", "product_name", "product_line", "is_core"],
        [["P1", "One", "L1", "true"], ["P2", "Two", "L2", "true"]],
    )
    build = Build(work, {"raw_data_path": str(folder)})
    build.dbt("build")
    return build


def test_customer_months_row_for_row(example: Build) -> None:
    rows = example.query(
        "select revenue_month, revenue, previous_revenue, movement, movement_amount, conversion_revenue,"
        " retention_revenue, penetration_revenue from marts.fct_customer_months"
        " where customer_id = 'C1' order by revenue_month"
    )
    d = Decimal
    assert rows == [
        (date(2024, 1, 1), d(100), d(0), "new", d(100), d(100), d(0), d(0)),
        (date(2024, 2, 1), d(0), d(100), "churn", d(-100), d(0), d(0), d(0)),
        (date(2024, 3, 1), d(130), d(0), "reactivation", d(130), d(0), d(80), d(50)),
        (date(2024, 4, 1), d(-20), d(130), "churn", d(-150), d(0), d(-20), d(0)),
    ]


def test_snapshot_at_april(example: Build) -> None:
    row = example.query(
        "select t12m_revenue, t12m_orders, tenure_months, value_tier, relationship_level"
        " from marts.fct_customer_snapshots where customer_id = 'C1' and snapshot_month = date '2024-04-01'"
    )
    assert row == [(Decimal(210), 2, 3, "low", "new")]


def test_return_is_not_an_order_and_categories_per_line(example: Build) -> None:
    rows = example.query(
        "select invoice_id, product_id, revenue_category, is_purchase_line from marts.fct_transactions"
        " order by invoice_id, product_id"
    )
    assert rows == [
        ("I1", "P1", "conversion", True),
        ("I2", "P1", "retention", True),
        ("I2", "P2", "penetration", True),
        ("R1", "P1", "retention", False),
    ]
