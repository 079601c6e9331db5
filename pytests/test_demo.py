"""The embedded demo data builds cleanly and exercises every label the marts can produce."""

from __future__ import annotations

import pytest

from conftest import Build

EXPECTED_AT_AS_OF_MONTH = {
    "value_tier": {"high", "medium", "low", "inactive"},
    "pareto_tier": {"A", "B", "C", "D"},
    "potential_tier": {"high", "medium", "low", "none"},
    "value_potential_cell": {
        "strategic_growth", "protect", "develop", "maintain", "hidden_gem", "automate", "win_back", "dormant",
    },
    "relationship_level": {"new", "developing", "established", "partner"},
}  # fmt: skip


def test_every_movement_occurs(demo_build: Build) -> None:
    movements = {row[0] for row in demo_build.query("select distinct movement from marts.fct_customer_months")}
    assert movements == {"new", "churn", "reactivation", "expansion", "contraction", "unchanged", "inactive"}


def test_every_category_occurs(demo_build: Build) -> None:
    categories = {
        row[0]
        for row in demo_build.query(
            "select distinct revenue_category from marts.fct_transactions where revenue_category is not null"
        )
    }
    assert categories == {"conversion", "retention", "penetration"}


@pytest.mark.parametrize("column", sorted(EXPECTED_AT_AS_OF_MONTH))
def test_every_segment_occurs_at_as_of_month(demo_build: Build, column: str) -> None:
    values = {
        row[0]
        for row in demo_build.query(
            f"select distinct {column} from marts.fct_customer_snapshots"
            " where snapshot_month = (select as_of_month from intermediate.int_as_of_dates)"
        )
    }
    assert values == EXPECTED_AT_AS_OF_MONTH[column]


def test_every_rejection_reason_occurs(demo_build: Build) -> None:
    reasons = {row[0] for row in demo_build.query("select distinct reason from audit.rejected_transactions")}
    assert reasons == {
        "missing_invoice", "missing_customer", "invalid_date", "missing_product", "invalid_number",
        "zero_quantity", "negative_price", "unknown_currency", "duplicate_line",
    }  # fmt: skip


def test_rows_conserved(demo_build: Build) -> None:
    raw = demo_build.scalar("select count(*) from raw.raw_transactions")
    staged = demo_build.scalar("select count(*) from staging.stg_transactions")
    rejected = demo_build.scalar("select count(*) from audit.rejected_transactions")
    assert raw == staged + rejected > 0
