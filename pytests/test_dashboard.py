"""The dashboard, page by page, with Streamlit's AppTest: no exception, and the figures shown are the marts'.

Expected figures are read from the published serving copy with SQL (not through the dashboard's code) and
formatted with the dashboard's formatter, so a page that shows another number fails.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from segmentation.dashboard import metrics
from segmentation.dashboard.context import PAGES
from segmentation.dashboard.data import SERVING_DIR_ENV, load
from segmentation.dashboard.formatting import count, money, percent
from segmentation.serving import SERVING_FILE

APP = Path(__file__).resolve().parents[1] / "src" / "segmentation" / "dashboard" / "app.py"


def served(serving_dir: Path, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(serving_dir / SERVING_FILE), read_only=True) as connection:
        return connection.execute(sql, params or []).fetchall()


@pytest.fixture
def open_page(demo_serving: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., AppTest]:
    monkeypatch.setenv(SERVING_DIR_ENV, str(demo_serving))

    def run(page: str, prepare: Callable[[AppTest], None] | None = None) -> AppTest:
        app = AppTest.from_file(str(APP), default_timeout=120)
        app.run()
        app.switch_page(f"views/{page}.py")
        if prepare is not None:
            prepare(app)
        app.run()
        assert not app.exception, [e.value for e in app.exception]
        return app

    return run


def metric_values(app: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def as_of_month(serving_dir: Path) -> Any:
    return served(serving_dir, "select as_of_month from serving.publication")[0][0]


@pytest.mark.parametrize("page", PAGES, ids=[p.file for p in PAGES])
def test_every_page_renders_with_its_title(open_page: Callable[..., AppTest], page: Any) -> None:
    app = open_page(page.file)
    assert page.title in [t.value for t in app.title]
    assert not app.error


def test_overview_shows_the_monthly_mart(open_page: Callable[..., AppTest], demo_serving: Path) -> None:
    app = open_page("overview")
    month = as_of_month(demo_serving)
    revenue, arpa, t12m_arpa, nrr, grr, active = served(
        demo_serving,
        "select revenue, arpa, t12m_arpa, nrr_t12m, grr_t12m, active_accounts from marts.mart_monthly_revenue "
        "where revenue_month = ?",
        [month],
    )[0]
    shown = metric_values(app)
    assert shown["Revenue"] == money(revenue, "USD")
    assert shown["ARPA"] == money(arpa, "USD")
    assert shown["T12M ARPA"] == money(t12m_arpa, "USD")
    assert shown["NRR (T12M)"] == percent(nrr)
    assert shown["GRR (T12M)"] == percent(grr)
    assert shown["Active accounts"] == count(active)
    assert shown["Revenue"].startswith("$")  # the demo's reporting currency is USD

    # Another month from the selector.
    earlier = served(demo_serving, "select min(revenue_month) + interval 12 month from marts.mart_monthly_revenue")
    month_12 = pd.Timestamp(earlier[0][0])
    app.selectbox(key="overview_month").set_value(month_12).run()
    revenue_12 = served(
        demo_serving, "select revenue from marts.mart_monthly_revenue where revenue_month = ?", [month_12.date()]
    )[0][0]
    assert metric_values(app)["Revenue"] == money(revenue_12, "USD")


def test_filters_reaggregate_the_account_marts(open_page: Callable[..., AppTest], demo_serving: Path) -> None:
    industry = served(
        demo_serving, "select industry from marts.dim_customers group by 1 order by count(*) desc limit 1"
    )[0][0]
    app = open_page("overview")
    app.multiselect(key="filter_industry").set_value([industry]).run()
    assert not app.exception
    month = as_of_month(demo_serving)
    revenue, active = served(
        demo_serving,
        "select sum(m.revenue), count(*) filter (where m.revenue > 0) from marts.fct_customer_months as m "
        "join marts.dim_customers as c using (customer_id) where c.industry = ? and m.revenue_month = ?",
        [industry, month],
    )[0]
    shown = metric_values(app)
    assert shown["Revenue"] == money(revenue, "USD")
    assert shown["Active accounts"] == count(active)
    total = served(demo_serving, "select revenue from marts.mart_monthly_revenue where revenue_month = ?", [month])
    assert shown["Revenue"] != money(total[0][0], "USD")
    assert any("Filtered to" in c.value for c in app.caption)


def test_revenue_bridge_adds_up(open_page: Callable[..., AppTest], demo_serving: Path) -> None:
    app = open_page("revenue_bridge")
    row = served(
        demo_serving,
        "select opening_revenue, new_revenue, reactivation_revenue, expansion_revenue, contraction_revenue, "
        "churned_revenue, closing_revenue from marts.mart_monthly_revenue where revenue_month = ?",
        [as_of_month(demo_serving)],
    )[0]
    table = app.dataframe[0].value
    steps = dict(zip(table["step"], table["amount"], strict=True))
    labels = ["Opening", "New", "Reactivation", "Expansion", "Contraction", "Churn", "Closing"]
    for label, value in zip(labels, row, strict=True):
        assert steps[label] == money(value, "USD", 2)


def test_value_potential_matrix_and_cell_accounts(open_page: Callable[..., AppTest], demo_serving: Path) -> None:
    month = as_of_month(demo_serving)
    app = open_page("value_potential", lambda a: None)
    matrix = app.dataframe[0].value.set_index("cell")
    expected = dict(
        served(
            demo_serving,
            "select segment, accounts from marts.mart_segment_summary "
            "where segment_type = 'value_potential_cell' and snapshot_month = ?",
            [month],
        )
    )
    assert {cell: int(n) for cell, n in matrix["accounts"].items() if n} == expected
    revenue = dict(
        served(
            demo_serving,
            "select segment, t12m_revenue from marts.mart_segment_summary "
            "where segment_type = 'value_potential_cell' and snapshot_month = ?",
            [month],
        )
    )
    assert matrix.loc["protect", "T12M revenue"] == money(revenue["protect"], "USD")
    # Pick a cell: its accounts are listed.
    app.selectbox(key="vp_cell").set_value("develop").run()
    listed = app.dataframe[1].value
    members = served(
        demo_serving,
        "select customer_id from marts.fct_customer_snapshots where snapshot_month = ? "
        "and value_potential_cell = 'develop' order by t12m_revenue desc, customer_id",
        [month],
    )
    assert list(listed["customer_id"]) == [m[0] for m in members]


def test_pareto_tiers(open_page: Callable[..., AppTest], demo_serving: Path) -> None:
    app = open_page("pareto")
    expected = dict(
        served(
            demo_serving,
            "select segment, accounts from marts.mart_segment_summary where segment_type = 'pareto_tier' "
            "and snapshot_month = ?",
            [as_of_month(demo_serving)],
        )
    )
    shown = metric_values(app)
    for tier, accounts in expected.items():
        assert shown[f"Tier {tier}"] == f"{count(accounts)} accounts"


def test_cohorts_migration_playbook_and_account_card(open_page: Callable[..., AppTest], demo_serving: Path) -> None:
    cohorts = open_page("cohorts")
    expected_cohorts = served(demo_serving, "select count(distinct cohort_month) from marts.mart_cohort_retention")
    assert metric_values(cohorts)["Cohorts"] == count(expected_cohorts[0][0])

    migration = open_page("migration")
    total = served(
        demo_serving,
        "select sum(accounts) from marts.mart_segment_migration where snapshot_month = ?",
        [as_of_month(demo_serving)],
    )[0][0]
    assert any(c.value.startswith(f"{count(total)} accounts with a snapshot") for c in migration.caption)

    playbook = open_page("playbook")
    table = playbook.dataframe[0].value.set_index("value tier")
    shares = dict(served(demo_serving, "select value_tier, sales_time_share from marts.dim_segment_playbook"))
    tiers = dict(served(demo_serving, "select value_tier, count(*) from marts.dim_customers group by 1"))
    for tier, share in shares.items():
        assert table.loc[tier, "sales hours / month"] == f"{float(share) * 1000:,.1f} h"
        assert table.loc[tier, "accounts"] == count(tiers.get(tier, 0))

    _top, t12m, potential, benchmark, group = served(
        demo_serving,
        "select customer_id, t12m_revenue, potential, peer_benchmark, peer_group from marts.dim_customers "
        "order by t12m_revenue desc nulls last, customer_id limit 1",
    )[0]
    card = open_page("account_card")
    shown = metric_values(card)
    assert shown["T12M revenue"] == money(t12m, "USD")
    assert shown["Potential"] == money(potential, "USD")
    assert shown["Peer benchmark"] == money(benchmark, "USD")
    assert shown["Peer group"] == group
    # Another account by its link (?account=...): its own months are listed.
    other = served(
        demo_serving, "select customer_id from marts.dim_customers where lifetime_orders > 3 limit 1 offset 7"
    )
    account = other[0][0]
    card = open_page("account_card", lambda a: a.query_params.update(account=account))
    months = served(demo_serving, "select count(*) from marts.fct_customer_months where customer_id = ?", [account])[0][
        0
    ]
    assert card.selectbox(key="card_account").value == account
    assert len(card.dataframe[0].value) == months


def test_missing_serving_copy_is_a_message_not_a_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SERVING_DIR_ENV, str(tmp_path / "never-published"))
    app = AppTest.from_file(str(APP), default_timeout=60)
    app.run()
    assert not app.exception
    assert "No published serving copy" in app.error[0].value and "make build" in app.error[0].value


def test_account_slices_reproduce_the_marts(demo_serving: Path) -> None:
    """The re-aggregation used under filters gives the published marts back on all accounts."""
    data = load(demo_serving)
    mine = metrics.monthly_figures(data.months, data.snapshots).set_index("revenue_month")
    mart = data.monthly.set_index("revenue_month")
    for column in ("revenue", "opening_revenue", "new_revenue", "churned_revenue", "arpa", "t12m_arpa", "nrr_t12m"):
        assert np.allclose(mine[column].reindex(mart.index).fillna(-1), mart[column].fillna(-1)), column
    cohorts = metrics.cohort_figures(data.months, data.as_of_month)
    merged = data.cohorts.merge(cohorts, on=["cohort_month", "months_since_acquisition"], suffixes=("", "_mine"))
    assert len(merged) == len(data.cohorts) == len(cohorts)
    assert np.allclose(merged["logo_retention"], merged["logo_retention_mine"])
    migration = metrics.migration_figures(data.snapshots)
    merged = data.migration.merge(
        migration, on=["snapshot_month", "from_value_tier", "to_value_tier"], suffixes=("", "_m")
    )
    assert len(merged) == len(data.migration) == len(migration)
    assert (merged["accounts"] == merged["accounts_m"]).all()
    cells = metrics.segment_figures(data.snapshots, "value_potential_cell")
    published = data.summary[data.summary["segment_type"] == "value_potential_cell"]
    merged = published.merge(cells, on=["snapshot_month", "segment"], suffixes=("", "_m"))
    assert len(merged) == len(published) == len(cells)
    assert np.allclose(merged["revenue_share"], merged["revenue_share_m"])
