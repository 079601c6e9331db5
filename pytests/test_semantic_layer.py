"""The semantic layer: MetricFlow metrics (`mf query`) on a copy of the demo warehouse agree with the marts."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from conftest import Build
from segmentation import PROJECT_DIR
from segmentation.dbt_runner import dbt_env

MF = Path(sys.executable).parent / "mf"
TOLERANCE = 0.01

# metric -> the mart_monthly_revenue column it reproduces at month grain (SPEC §7)
MONTHLY_METRICS = {
    "revenue": "revenue",
    "conversion_revenue": "conversion_revenue",
    "retention_revenue": "retention_revenue",
    "penetration_revenue": "penetration_revenue",
    "new_revenue": "new_revenue",
    "reactivation_revenue": "reactivation_revenue",
    "expansion_revenue": "expansion_revenue",
    "contraction_revenue": "contraction_revenue",
    "churned_revenue": "churned_revenue",
    "active_accounts": "active_accounts",
    "orders": "orders",
    "purchase_frequency": "purchase_frequency",
    "t12m_revenue": "t12m_revenue",
    "t12m_active_accounts": "t12m_active_accounts",
    "t12m_arpa": "t12m_arpa",
    "nrr": "nrr_t12m",
    "grr": "grr_t12m",
    "retained_base_t12m_revenue": "retained_base_t12m_revenue",
    "retained_net_t12m_revenue": "retained_net_t12m_revenue",
    "retained_gross_t12m_revenue": "retained_gross_t12m_revenue",
}

Rows = dict[tuple[str, ...], dict[str, float | None]]


@dataclass
class MetricFlowProject:
    """What `mf` needs: a folder with dbt_project.yml and target/semantic_manifest.json, and a warehouse."""

    folder: Path
    database: Path

    @classmethod
    def from_build(cls, build: Build, folder: Path) -> MetricFlowProject:
        # A copy, so `mf` (which opens the file read-write through dbt-duckdb) never touches the demo build,
        # and its own folder, so it never reads or writes the repository's target/. Same file name: the
        # DuckDB catalog name (the file's stem) is part of the relation names in the semantic manifest.
        (folder / "target").mkdir(parents=True)
        shutil.copy(PROJECT_DIR / "dbt_project.yml", folder / "dbt_project.yml")
        shutil.copy(build.work_dir / "target" / "semantic_manifest.json", folder / "target" / "semantic_manifest.json")
        database = folder / build.database.name
        shutil.copy(build.database, database)
        return cls(folder, database)

    def mf(self, *args: str) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [str(MF), *args],
            cwd=self.folder,
            env=dbt_env(self.database, self.folder),
            text=True,
            capture_output=True,
            check=False,
        )
        output = f"{result.stdout[-5000:]}\n{result.stderr[-5000:]}"
        assert result.returncode == 0, f"`mf {' '.join(args)}` failed:\n{output}"
        return result

    def query(self, metrics: Iterable[str], group_by: Iterable[str], where: str | None = None) -> Rows:
        """`mf query`, as {group-by values: {metric: value}}; a time value is kept as its ISO date."""
        metrics, group_by = list(metrics), list(group_by)
        output = self.folder / "query.csv"
        output.unlink(missing_ok=True)
        args = ["query", "--metrics", ",".join(metrics), "--group-by", ",".join(group_by), "--csv", str(output)]
        if where is not None:
            args += ["--where", where]
        self.mf(*args)
        rows: Rows = {}
        with output.open(newline="") as handle:
            for record in csv.DictReader(handle):
                key = tuple(record[name][:10] if name.startswith("metric_time") else record[name] for name in group_by)
                assert key not in rows, f"duplicate row {key}"
                rows[key] = {metric: float(record[metric]) if record[metric] != "" else None for metric in metrics}
        return rows

    def sql(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.database), read_only=True) as connection:
            return connection.execute(sql).fetchall()


def as_float(value: Decimal | int | None) -> float | None:
    return None if value is None else float(value)


def mismatches(
    actual: Mapping[tuple[str, ...], float | None], expected: Mapping[tuple[str, ...], float | None]
) -> list[str]:
    """Every key whose values differ by more than the tolerance, or that only one side has; null only equals null."""
    problems = []
    for key in sorted(set(actual) | set(expected)):
        if key not in actual or key not in expected:
            problems.append(f"{key}: only in {'mf' if key in actual else 'the mart'}")
            continue
        got, want = actual[key], expected[key]
        if (got is None) != (want is None) or (got is not None and want is not None and abs(got - want) > TOLERANCE):
            problems.append(f"{key}: mf {got} != mart {want}")
    return problems


def mart_by_month(project: MetricFlowProject, column: str) -> dict[tuple[str], float | None]:
    rows = project.sql(f"select revenue_month, {column} from marts.mart_monthly_revenue")
    return {(month.isoformat(),): as_float(value) for month, value in rows}


@pytest.fixture(scope="module")
def mf_project(demo_build: Build, tmp_path_factory: pytest.TempPathFactory) -> MetricFlowProject:
    return MetricFlowProject.from_build(demo_build, tmp_path_factory.mktemp("metricflow"))


def test_validate_configs(mf_project: MetricFlowProject) -> None:
    """The semantic manifest is valid, and every semantic model, dimension and metric runs on the warehouse."""
    result = mf_project.mf("validate-configs")
    output = result.stdout + result.stderr
    assert "Successfully validated metrics against data warehouse" in output, output[-5000:]
    assert "ERRORS: 0, FUTURE_ERRORS: 0, WARNINGS: 0" in output


def test_arpa_by_month_matches_mart(mf_project: MetricFlowProject) -> None:
    """The README command: `mf query --metrics arpa --group-by metric_time__month` = mart_monthly_revenue.arpa."""
    rows = mf_project.query(["arpa"], ["metric_time__month"])
    actual = {key: values["arpa"] for key, values in rows.items()}
    expected = mart_by_month(mf_project, "arpa")
    assert sum(value is not None for value in expected.values()) >= 24  # the demo spans three years
    assert mismatches(actual, expected) == []


def test_monthly_metrics_match_mart(mf_project: MetricFlowProject) -> None:
    """Every metric with a mart_monthly_revenue column agrees with it, month by month (empty months included)."""
    rows = mf_project.query(MONTHLY_METRICS, ["metric_time__month"])
    problems = {}
    for metric, column in MONTHLY_METRICS.items():
        actual = {key: values[metric] for key, values in rows.items()}
        found = mismatches(actual, mart_by_month(mf_project, column))
        if found:
            problems[metric] = found[:5]
    assert problems == {}
    assert any(values["nrr"] is not None for values in rows.values())


def test_additive_metrics_by_quarter(mf_project: MetricFlowProject) -> None:
    """A quarter adds its months' revenue, counts its distinct invoices and active accounts; ratios follow."""
    metrics = ["revenue", "orders", "active_accounts", "arpa", "purchase_frequency"]
    rows = mf_project.query(metrics, ["metric_time__quarter"])
    expected_rows = mf_project.sql(
        """
        with revenue as (
            select date_trunc('quarter', revenue_month)::date as quarter, sum(revenue) as revenue
            from marts.mart_monthly_revenue group by 1
        ),
        accounts as (
            select date_trunc('quarter', revenue_month)::date as quarter, count(distinct customer_id) as active
            from marts.fct_customer_months where revenue > 0 group by 1
        ),
        orders as (
            select date_trunc('quarter', revenue_month)::date as quarter, count(distinct invoice_id) as orders
            from marts.fct_transactions where is_purchase_line group by 1
        )
        select revenue.quarter, revenue.revenue, coalesce(orders.orders, 0), coalesce(accounts.active, 0)
        from revenue
        left join accounts on revenue.quarter = accounts.quarter
        left join orders on revenue.quarter = orders.quarter
        """
    )
    assert len(expected_rows) >= 8
    for metric in metrics:
        expected: dict[tuple[str, ...], float | None] = {}
        for quarter, revenue, orders, active in expected_rows:
            figures = {
                "revenue": float(revenue),
                "orders": float(orders),
                "active_accounts": float(active),
                "arpa": float(revenue) / active if active else None,
                "purchase_frequency": orders / active if active else None,
            }
            expected[(quarter.isoformat(),)] = figures[metric]
        actual = {key: values[metric] for key, values in rows.items()}
        assert mismatches(actual, expected) == [], metric


def test_semi_additive_metrics_take_the_last_month_of_a_quarter(mf_project: MetricFlowProject) -> None:
    """T12M figures, NRR and GRR are balances: a quarter shows its last month, it does not add its months up."""
    metrics = {"nrr": "nrr_t12m", "grr": "grr_t12m", "t12m_revenue": "t12m_revenue", "t12m_arpa": "t12m_arpa"}
    rows = mf_project.query(metrics, ["metric_time__quarter"])
    last_months = mf_project.sql(
        "select date_trunc('quarter', revenue_month)::date, max(revenue_month)"
        " from marts.mart_monthly_revenue group by 1"
    )
    assert len(rows) == len(last_months) >= 8
    for metric, column in metrics.items():
        monthly = mart_by_month(mf_project, column)
        expected = {(quarter.isoformat(),): monthly[(last.isoformat(),)] for quarter, last in last_months}
        actual = {key: values[metric] for key, values in rows.items()}
        assert mismatches(actual, expected) == [], metric


@pytest.mark.parametrize("segment_type", ["value_tier", "pareto_tier", "value_potential_cell", "relationship_level"])
def test_point_in_time_segments_match_segment_summary(mf_project: MetricFlowProject, segment_type: str) -> None:
    """By each month's label (customer_snapshot entity), the T12M metrics are mart_segment_summary's figures."""
    metrics = {"t12m_arpa": "arpa", "t12m_revenue": "t12m_revenue", "growth_potential": "potential"}
    rows = mf_project.query(metrics, ["metric_time__month", f"customer_snapshot__{segment_type}"])
    summary = mf_project.sql(
        f"select snapshot_month, segment, {', '.join(metrics.values())} from marts.mart_segment_summary"
        f" where segment_type = '{segment_type}'"
    )
    assert len({segment for _, segment, *_ in summary}) >= 4
    for position, metric in enumerate(metrics):
        expected = {(month.isoformat(), segment): as_float(values[position]) for month, segment, *values in summary}
        actual = {key: values[metric] for key, values in rows.items()}
        assert mismatches(actual, expected) == [], metric


def test_customer_dimensions_split_revenue(mf_project: MetricFlowProject) -> None:
    """Revenue and orders by the account's current value tier (customer entity, dim_customers) at as_of_month."""
    as_of_month = mf_project.sql("select as_of_month from intermediate.int_as_of_dates")[0][0].isoformat()
    rows = mf_project.query(
        ["revenue", "orders"],
        ["metric_time__month", "customer__value_tier"],
        where=f"{{{{ TimeDimension('metric_time', 'month') }}}} = '{as_of_month}'",
    )
    expected_revenue = {
        (as_of_month, tier): as_float(revenue)
        for tier, revenue in mf_project.sql(
            "select customers.value_tier, sum(months.revenue) from marts.fct_customer_months as months"
            " inner join marts.dim_customers as customers on months.customer_id = customers.customer_id"
            f" where months.revenue_month = '{as_of_month}' group by 1"
        )
    }
    expected_orders = {
        (as_of_month, tier): as_float(orders)
        for tier, orders in mf_project.sql(
            "select customers.value_tier, count(distinct lines.invoice_id) from marts.fct_transactions as lines"
            " inner join marts.dim_customers as customers on lines.customer_id = customers.customer_id"
            f" where lines.revenue_month = '{as_of_month}' and lines.is_purchase_line group by 1"
        )
    }
    assert len(expected_revenue) >= 3
    assert mismatches({key: values["revenue"] for key, values in rows.items()}, expected_revenue) == []
    # orders has no row for a tier without purchases; revenue does (e.g. returns only)
    orders = {key: values["orders"] for key, values in rows.items() if key in expected_orders}
    assert mismatches(orders, expected_orders) == []
    assert all(values["orders"] in (None, 0) for key, values in rows.items() if key not in expected_orders)


def test_empty_month_comes_from_the_time_spine(demo_build: Build, tmp_path: Path) -> None:
    """A month without any account row is filled from the time spine with 0, as mart_monthly_revenue does.

    On a copy of the warehouse, one month is emptied in the facts the metrics read (not in the mart): the
    comparison with the mart must then fail for exactly that month, and the metrics must show it as 0.
    """
    project = MetricFlowProject.from_build(demo_build, tmp_path / "emptied")
    month = project.sql("select revenue_month from marts.mart_monthly_revenue order by revenue_month limit 1 offset 6")
    emptied = month[0][0].isoformat()
    with duckdb.connect(str(project.database)) as connection:
        connection.execute(f"delete from marts.fct_customer_months where revenue_month = '{emptied}'")
        connection.execute(f"delete from marts.fct_transactions where revenue_month = '{emptied}'")
    rows = project.query(["revenue", "orders", "arpa"], ["metric_time__month"])
    assert rows[(emptied,)] == {"revenue": 0.0, "orders": 0.0, "arpa": None}
    revenue = {key: values["revenue"] for key, values in rows.items()}
    problems = mismatches(revenue, mart_by_month(project, "revenue"))
    assert len(problems) == 1
    assert problems[0].startswith(f"('{emptied}',)")
