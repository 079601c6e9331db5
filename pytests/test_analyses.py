"""The analyses/ compile with dbt and, run read-only against the demo warehouse, give sane results."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from typing import Any

import duckdb
import pytest

from conftest import Build
from segmentation.dbt_runner import run_dbt

ANALYSES = ("pareto_curve", "segment_migration_pivot", "playbook_resource_allocation")
TIERS = ["high", "medium", "low", "inactive"]


@dataclass
class Result:
    columns: list[str]
    rows: list[tuple[Any, ...]]

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


def execute_compiled(target: Path, database: Path, name: str) -> Result:
    """Run the SQL dbt compiled for analysis `name` (target/compiled/...), read-only."""
    compiled = target / "compiled" / "segmentation" / "analyses" / f"{name}.sql"
    with duckdb.connect(str(database), read_only=True) as connection:
        cursor = connection.execute(compiled.read_text())
        columns = [description[0] for description in cursor.description]
        return Result(columns, cursor.fetchall())


@pytest.fixture(scope="module")
def analyses(demo_build: Build) -> dict[str, Result]:
    demo_build.dbt("compile", "--select", *ANALYSES)
    return {name: execute_compiled(demo_build.work_dir / "target", demo_build.database, name) for name in ANALYSES}


@pytest.fixture(scope="module")
def as_of_month(demo_build: Build) -> Any:
    return demo_build.scalar("select as_of_month from intermediate.int_as_of_dates")


def test_pareto_curve(analyses: dict[str, Result], demo_build: Build, as_of_month: Any) -> None:
    curve = analyses["pareto_curve"].records()
    active = demo_build.scalar(
        f"select count(*) from marts.fct_customer_snapshots where snapshot_month = '{as_of_month}' and t12m_revenue > 0"
    )
    assert len(curve) == active > 10
    account_shares = [row["account_share"] for row in curve]
    revenue_shares = [row["revenue_share"] for row in curve]
    assert all(a < b for a, b in pairwise(account_shares))
    assert all(a <= b for a, b in pairwise(revenue_shares))
    assert account_shares[-1] == 1
    assert abs(revenue_shares[-1] - 1) < Decimal("1e-8")
    # concave: the biggest accounts come first, so the curve is above the diagonal
    points = zip(account_shares, revenue_shares, strict=True)
    assert all(revenue >= account - Decimal("1e-8") for account, revenue in points)
    # the SPEC §5 Pareto tiers follow from share_before with the default cuts [0.80, 0.95, 0.99]
    cuts = [(Decimal("0.80"), "A"), (Decimal("0.95"), "B"), (Decimal("0.99"), "C")]
    for row in curve:
        expected = next((tier for cut, tier in cuts if row["share_before"] < cut), "D")
        assert row["pareto_tier"] == expected, row


def test_segment_migration_pivot(analyses: dict[str, Result], demo_build: Build, as_of_month: Any) -> None:
    pivot = analyses["segment_migration_pivot"].records()
    assert [row["from_value_tier"] for row in pivot] == TIERS
    assert all(row["snapshot_month"] == as_of_month for row in pivot)
    # independently: each account's tier at as_of_month and a year earlier (`inactive` without a snapshot then)
    moves = demo_build.query(
        f"""
        select coalesce(earlier.value_tier, 'inactive'), now.value_tier, count(*)
        from marts.fct_customer_snapshots as now
        left join marts.fct_customer_snapshots as earlier
            on now.customer_id = earlier.customer_id
            and earlier.snapshot_month = now.snapshot_month - interval 12 month
        where now.snapshot_month = '{as_of_month}'
        group by all
        """
    )
    expected = {(from_tier, to_tier): count for from_tier, to_tier, count in moves}
    for row in pivot:
        for to_tier in TIERS:
            assert row[f"to_{to_tier}"] == expected.get((row["from_value_tier"], to_tier), 0), (row, to_tier)
        assert row["accounts"] == sum(row[f"to_{to_tier}"] for to_tier in TIERS)
    with_snapshot = demo_build.scalar(
        f"select count(*) from marts.fct_customer_snapshots where snapshot_month = '{as_of_month}'"
    )
    assert sum(row["accounts"] for row in pivot) == with_snapshot > 0


def allocation_checks(allocation: list[dict[str, Any]], demo_build: Build, team_hours: Decimal) -> None:
    accounts = dict(
        demo_build.query("select value_tier, count(*) from marts.dim_customers where value_tier is not null group by 1")
    )
    assert [row["value_tier"] for row in allocation] == TIERS
    assert sum(row["tier_hours_per_month"] for row in allocation) == team_hours
    for row in allocation:
        assert row["team_hours_per_month"] == team_hours
        assert row["tier_hours_per_month"] == team_hours * row["sales_time_share"]
        assert row["accounts"] == accounts.get(row["value_tier"], 0)
        if row["accounts"]:
            assert abs(row["hours_per_account_per_month"] * row["accounts"] - row["tier_hours_per_month"]) < 0.01
    high = next(row for row in allocation if row["value_tier"] == "high")
    assert high["tier_hours_per_month"] == team_hours * Decimal("0.6")


def test_playbook_resource_allocation(analyses: dict[str, Result], demo_build: Build) -> None:
    allocation_checks(analyses["playbook_resource_allocation"].records(), demo_build, Decimal(1600))


def test_playbook_resource_allocation_team_size_is_a_var(demo_build: Build, tmp_path: Path) -> None:
    run_dbt(
        ["compile", "--select", "playbook_resource_allocation"],
        demo_build.database,
        {"playbook_team_hours_per_month": 800},
        work_dir=tmp_path,
    )
    result = execute_compiled(tmp_path / "target", demo_build.database, "playbook_resource_allocation")
    allocation_checks(result.records(), demo_build, Decimal(800))
