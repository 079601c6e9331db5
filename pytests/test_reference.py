"""The marts agree with an independent Python implementation of SPEC §3-6 on randomised edge-case data.

The data are random but seeded: heavy-tailed accounts, gaps and reactivations, returns of bought and
never-bought products, zero-price lines, months netting to exactly 0, invoices spanning two months,
three currencies, non-core and unknown products, customers without attributes or missing from the
customers file, Pareto ties, revenue exactly on the tier boundaries, lines after as_of_date.
"""

from __future__ import annotations

import random
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from conftest import Build, write_csv
from reference_check import assert_marts_match
from reference_impl import Line, Settings, add_months, compute

CURRENCIES = {"USD": None, "EUR": Decimal("1.0837"), "GBP": Decimal("1.2719")}
INDUSTRIES = ["Retail", "Tech", "Health", None]
COUNTRIES = ["DE", "US", None]
# product_id -> (product_line or None, is_core); P99 is missing from the products file.
PRODUCTS = {
    "P1": ("L1", True), "P2": ("L1", True), "P3": ("L2", True), "P4": ("L2", True), "P5": ("L3", True),
    "P6": ("L4", True), "P7": ("L5", True), "P8": ("L6", True), "P9": (None, True),
    "SHIP": ("Services", False), "FEE": (None, False),
}  # fmt: skip
FIRST_MONTH = date(2022, 1, 1)
MONTHS = 36


def generate(seed: int) -> tuple[list[list[str]], dict[str, dict[str, Any]], list[Line]]:
    """Random raw rows (as CSV text) plus the same lines for the reference implementation."""
    rng = random.Random(seed)
    customers: dict[str, dict[str, Any]] = {}
    for index in range(48):
        customer_id = f"C{index:02d}"
        if index % 16 == 15:
            continue  # missing from the customers file
        customers[customer_id] = {
            "industry": rng.choice(INDUSTRIES),
            "country": rng.choice(COUNTRIES),
            "employee_count": rng.choice([None, 5, 49, 50, 249, 250, 999, 1000, 4000]),
        }
    rows: list[list[str]] = []
    lines: list[Line] = []

    def add(invoice: str, customer: str, at: datetime, product: str, quantity: Decimal, price: Decimal, cur: str):
        line_number = sum(1 for row in rows if row[0] == invoice) + 1
        rows.append([invoice, str(line_number), customer, at.strftime("%Y-%m-%d %H:%M:%S"), product,
                     str(quantity), str(price), cur])  # fmt: skip
        product_line, is_core = PRODUCTS.get(product, ("unknown", True))
        rate = CURRENCIES[cur] or Decimal(1)
        lines.append(Line(invoice, customer, at, product, quantity, price, rate, is_core,
                          product_line or "unassigned"))  # fmt: skip

    invoice_counter = 0
    for index in range(48):
        customer = f"C{index:02d}"
        scale = Decimal(rng.choice([20, 200, 2000, 9000, 40000]))
        start = rng.randrange(0, MONTHS - 2)
        active_probability = rng.choice([0.2, 0.5, 0.9])
        products = rng.sample([*sorted(PRODUCTS), "P99"], k=rng.randint(1, 6))
        for offset in range(start, MONTHS):
            if rng.random() > active_probability:
                continue
            month = add_months(FIRST_MONTH, offset)
            for _ in range(rng.randint(1, 2)):
                invoice_counter += 1
                invoice = f"I{invoice_counter:05d}"
                at = datetime(month.year, month.month, rng.randint(1, 28), rng.randint(0, 23), rng.randint(0, 59))
                currency = rng.choice(list(CURRENCIES))
                for product in rng.sample(products, k=rng.randint(1, len(products))):
                    quantity = Decimal(rng.randint(1, 5))
                    price = (scale * Decimal(rng.randint(50, 150)) / 100).quantize(Decimal("0.01"))
                    if rng.random() < 0.08:
                        price = Decimal(0)  # free sample: not a purchase line
                    add(invoice, customer, at, product, quantity, price, currency)
                if rng.random() < 0.1 and offset + 1 < MONTHS:  # the same invoice continues next month
                    nxt = add_months(month, 1)
                    add(invoice, customer, datetime(nxt.year, nxt.month, 2), rng.choice(products),
                        Decimal(1), scale, currency)  # fmt: skip
            if rng.random() < 0.1:  # a return: of a bought product or of one never bought
                invoice_counter += 1
                product = rng.choice([*products, "P8"])
                add(f"R{invoice_counter:05d}", customer, datetime(month.year, month.month, 28), product,
                    Decimal(-rng.randint(1, 3)), scale, "USD")  # fmt: skip
    # Exact edges: a month netting to 0, tier boundaries, a Pareto tie, an account whose first line is a return.
    add("E1", "C01", datetime(2023, 5, 3), "P1", Decimal(2), Decimal(500), "USD")
    add("E1R", "C01", datetime(2023, 5, 20), "P1", Decimal(-2), Decimal(500), "USD")
    # Accounts with nothing but one boundary purchase (value tiers at exactly 10000 / 100000) and a tie.
    edges = {"X10K": 10000, "X100K": 100000, "X100K01": Decimal("100000.01"), "X9999": Decimal("9999.99"),
             "TIE_A": 4321, "TIE_B": 4321}  # fmt: skip
    for customer, amount in edges.items():
        add(f"B{customer}", customer, datetime(2024, 11, 5), "P3", Decimal(1), Decimal(amount), "USD")
    add("N1", "C44", datetime(2023, 2, 1), "P2", Decimal(-1), Decimal(300), "USD")
    add("N2", "C44", datetime(2023, 4, 1), "P2", Decimal(1), Decimal(100), "USD")
    add("LATE", "C02", datetime(2024, 12, 30, 23, 59), "P1", Decimal(1), Decimal(777), "EUR")
    return rows, customers, lines


def write_folder(folder: Path, rows: list[list[str]], customers: dict[str, dict[str, Any]]) -> None:
    write_csv(
        folder / "transactions.csv",
        ["invoice_id", "line_number", "customer_id", "invoiced_at", "product_id", "quantity", "unit_price", "currency"],
        rows,
    )
    write_csv(
        folder / "customers.csv",
        ["customer_id", "company_name", "industry", "country", "employee_count"],
        [
            [
                cid,
                f"Company {cid}",
                c["industry"] or "",
                c["country"] or "",
                "" if c["employee_count"] is None else str(c["employee_count"]),
            ]
            for cid, c in customers.items()
        ],
    )
    write_csv(
        folder / "products.csv",
        ["product_id", "product_name", "product_line", "is_core"],
        [[pid, pid.lower(), line or "", "true" if core else "false"] for pid, (line, core) in PRODUCTS.items()],
    )
    fx_rows = []
    for offset in range(MONTHS):
        month = add_months(FIRST_MONTH, offset)
        for currency, rate in CURRENCIES.items():
            if rate is not None:
                fx_rows.append([month.isoformat(), currency, str(rate)])
    write_csv(folder / "fx_rates.csv", ["month", "currency", "rate_to_reporting"], fx_rows)


SCENARIOS = {
    "defaults": ({}, Settings()),
    "product_grain_and_custom_knobs": (
        {
            "penetration_grain": "product",
            "as_of_date": "2024-06-15",
            "peer_group_columns": ["industry", "size_band", "country"],
            "min_peer_group_size": 3,
            "pareto_cuts": [0.5, 0.9, 0.97],
            "potential_quantile": 0.5,
            "value_tier_high_above": 50000,
            "value_tier_medium_from": 5000,
            "relationship_new_below_months": 6,
            "relationship_partner_min_months": 18,
            "relationship_partner_min_keys": 3,
            "relationship_established_min_keys": 2,
        },
        Settings(
            as_of_date=date(2024, 6, 15),
            penetration_grain="product",
            peer_group_columns=("industry", "size_band", "country"),
            min_peer_group_size=3,
            pareto_cuts=(Decimal("0.5"), Decimal("0.9"), Decimal("0.97")),
            potential_quantile=Decimal("0.5"),
            high_above=Decimal(50000),
            medium_from=Decimal(5000),
            new_below=6,
            partner_months=18,
            partner_keys=3,
            established_keys=2,
        ),
    ),
}


@pytest.mark.parametrize("seed", [7])
@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_marts_match_reference(tmp_path: Path, seed: int, scenario: str) -> None:
    dbt_vars, settings = SCENARIOS[scenario]
    rows, customers, lines = generate(seed)
    folder = tmp_path / "raw"
    write_folder(folder, rows, customers)
    build = Build(tmp_path, {"raw_data_path": str(folder), **dbt_vars})
    build.dbt("build")
    expected = compute(lines, customers, settings)

    assert_marts_match(build, expected)

    # the scenario really exercises the edges it is meant to
    tiers = {row["value_tier"] for row in expected.snapshots.values()}
    assert tiers == {"high", "medium", "low", "inactive"}
    assert any(a == "C44" and row["movement"] == "inactive" for (a, _), row in expected.customer_months.items())
    assert len({row["pareto_tier"] for row in expected.snapshots.values()}) == 4
    if settings.as_of_date is None:
        at_as_of = {a: row for (a, m), row in expected.snapshots.items() if m == date(2024, 12, 1)}
        assert [at_as_of[a]["value_tier"] for a in ("X9999", "X10K", "X100K", "X100K01")] == [
            "low",
            "medium",
            "medium",
            "high",
        ]


def test_reference_matches_worked_example() -> None:
    """The reference itself reproduces SPEC §8, so a disagreement points at the marts."""
    one = Decimal(1)
    lines = [
        Line("I1", "C1", datetime(2024, 1, 10), "P1", one, Decimal(100), one, True, "L1"),
        Line("I2", "C1", datetime(2024, 3, 5), "P1", one, Decimal(80), one, True, "L1"),
        Line("I2", "C1", datetime(2024, 3, 5), "P2", one, Decimal(50), one, True, "L2"),
        Line("R1", "C1", datetime(2024, 4, 20), "P1", -one, Decimal(20), one, True, "L1"),
    ]
    result = compute(lines, {}, Settings())
    movements = [result.customer_months[("C1", date(2024, m, 1))]["movement"] for m in (1, 2, 3, 4)]
    assert movements == ["new", "churn", "reactivation", "churn"]
    april = result.snapshots[("C1", date(2024, 4, 1))]
    assert (april["t12m_revenue"], april["t12m_orders"], april["tenure_months"]) == (210, 2, 3)
    assert (april["value_tier"], april["relationship_level"]) == ("low", "new")
