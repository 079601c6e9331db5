"""The embedded demo data builds cleanly and exercises every label the marts can produce."""

from __future__ import annotations

import pytest

from conftest import Build
from segmentation.registry import Registry

#: Every label of these registry classifications occurs at as_of_month on the demo data.
AT_AS_OF_MONTH = ("value_tier", "pareto_tier", "potential_tier", "value_potential_cell", "relationship_level")
REGISTRY = Registry.load()


def test_every_movement_occurs(demo_build: Build) -> None:
    movements = {row[0] for row in demo_build.query("select distinct movement from marts.fct_customer_months")}
    assert movements == set(REGISTRY.labels("movement"))


def test_every_category_occurs(demo_build: Build) -> None:
    categories = {
        row[0]
        for row in demo_build.query(
            "select distinct revenue_category from marts.fct_transactions where revenue_category is not null"
        )
    }
    assert categories == set(REGISTRY.labels("revenue_category"))


@pytest.mark.parametrize("column", AT_AS_OF_MONTH)
def test_every_segment_occurs_at_as_of_month(demo_build: Build, column: str) -> None:
    values = {
        row[0]
        for row in demo_build.query(
            f"select distinct {column} from marts.fct_customer_snapshots"
            " where snapshot_month = (select as_of_month from intermediate.int_as_of_dates)"
        )
    }
    assert values == set(REGISTRY.labels(column))


def test_every_peer_group_fallback_level_occurs(demo_build: Build) -> None:
    """Full (industry / size_band), dropped to industry, and `all`: each fallback level of SPEC §5 occurs."""
    groups = {row[0] for row in demo_build.query("select distinct peer_group from marts.fct_customer_snapshots")}
    assert "all" in groups
    assert any(" / " in group for group in groups)
    assert any(" / " not in group for group in groups - {"all"})
    assert (demo_build.scalar("select count(*) from marts.fct_customer_snapshots where t12m_revenue < 0") or 0) > 0


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
