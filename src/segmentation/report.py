"""`segmentation report`: a Markdown results section from a built warehouse.

Reads a DuckDB file built by `dbt build` (read-only) and writes the headline results at `as_of_month`:
accounts and T12M revenue by value tier, by Pareto tier and by value x potential cell, T12M ARPA, NRR and
GRR, and the quarantined rows by SPEC §2 reason. The T12M KPIs are read from `marts.mart_monthly_revenue`
(SPEC §7, computed there once); labels and their order come from the segment registry (dbt_project.yml).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from segmentation import markdown
from segmentation.registry import Registry

REJECTION_REASONS: tuple[str, ...] = (
    "malformed_row",
    "missing_invoice",
    "missing_customer",
    "invalid_date",
    "missing_product",
    "invalid_number",
    "zero_quantity",
    "negative_price",
    "unknown_currency",
    "duplicate_line",
)
REQUIRED_TABLES: tuple[str, ...] = (
    "audit.rejected_transactions",
    "staging.stg_transactions",
    "marts.fct_customer_snapshots",
    "marts.dim_customers",
    "marts.mart_monthly_revenue",
)


@dataclass
class SegmentRow:
    """Accounts and T12M revenue of one segment at as_of_month."""

    segment: str
    accounts: int
    active_accounts: int
    t12m_revenue: Decimal


@dataclass
class Kpis:
    """T12M headline figures at as_of_month (SPEC §7)."""

    t12m_revenue: Decimal | None
    t12m_active_accounts: int | None
    t12m_arpa: Decimal | None
    nrr_t12m: Decimal | None
    grr_t12m: Decimal | None
    source: str


@dataclass
class ReportData:
    """Everything the Markdown section shows."""

    database: str
    as_of_date: Any
    as_of_month: Any
    staged_rows: int
    staged_amount: Decimal
    rejected: dict[str, tuple[int, Decimal]]
    accounts: int
    value_tiers: list[SegmentRow] = field(default_factory=list)
    pareto_tiers: list[SegmentRow] = field(default_factory=list)
    cells: list[SegmentRow] = field(default_factory=list)
    kpis: Kpis | None = None

    @property
    def rejected_rows(self) -> int:
        return sum(rows for rows, _ in self.rejected.values())

    @property
    def raw_rows(self) -> int:
        return self.staged_rows + self.rejected_rows


def table_exists(connection: duckdb.DuckDBPyConnection, qualified_name: str) -> bool:
    schema, name = qualified_name.split(".")
    found = connection.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, name],
    ).fetchone()
    return bool(found and found[0])


def _segments(
    connection: duckdb.DuckDBPyConnection, column: str, as_of_month: Any, order: tuple[str, ...]
) -> list[SegmentRow]:
    rows = connection.execute(
        f"""
        select
            {column},
            count(*),
            count(*) filter (where t12m_revenue > 0),
            coalesce(sum(t12m_revenue), 0)
        from marts.fct_customer_snapshots
        where snapshot_month = ?
        group by {column}
        """,
        [as_of_month],
    ).fetchall()
    found = {row[0]: SegmentRow(row[0], int(row[1]), int(row[2]), Decimal(row[3])) for row in rows}
    ordered = [found.pop(name, SegmentRow(name, 0, 0, Decimal(0))) for name in order]
    return ordered + [found[name] for name in sorted(found, key=str)]


def _kpis_from_mart(connection: duckdb.DuckDBPyConnection, as_of_month: Any) -> Kpis | None:
    row = connection.execute(
        """
        select t12m_revenue, t12m_active_accounts, t12m_arpa, nrr_t12m, grr_t12m
        from marts.mart_monthly_revenue
        where revenue_month = ?
        """,
        [as_of_month],
    ).fetchone()
    if row is None:
        return None
    return Kpis(
        t12m_revenue=_decimal(row[0]),
        t12m_active_accounts=None if row[1] is None else int(row[1]),
        t12m_arpa=_decimal(row[2]),
        nrr_t12m=_decimal(row[3]),
        grr_t12m=_decimal(row[4]),
        source="marts.mart_monthly_revenue",
    )


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value)


def collect(database: Path, registry: Registry | None = None) -> ReportData:
    """Read the figures of the report from a built warehouse (read-only)."""
    registry = registry or Registry.load()
    with duckdb.connect(str(database), read_only=True) as connection:
        missing = [name for name in REQUIRED_TABLES if not table_exists(connection, name)]
        if missing:
            raise SystemExit(f"{database}: not a built warehouse, missing {', '.join(missing)}; run `dbt build` first.")
        as_of = connection.execute("select max(as_of_date), max(as_of_month) from marts.dim_customers").fetchone()
        as_of_date, as_of_month = as_of if as_of else (None, None)
        if as_of_month is None:
            as_of_month = connection.execute("select max(snapshot_month) from marts.fct_customer_snapshots").fetchone()[
                0
            ]  # type: ignore[index]
        staged = connection.execute(
            "select count(*), coalesce(sum(amount), 0) from staging.stg_transactions"
        ).fetchone()
        assert staged is not None
        rejected = {reason: (0, Decimal(0)) for reason in REJECTION_REASONS}
        for reason, rows, amount in connection.execute(
            "select reason, count(*), coalesce(sum(raw_amount), 0) from audit.rejected_transactions group by 1"
        ).fetchall():
            rejected[reason] = (int(rows), Decimal(amount))
        accounts = connection.execute(
            "select count(*) from marts.fct_customer_snapshots where snapshot_month = ?", [as_of_month]
        ).fetchone()
        data = ReportData(
            database=str(database),
            as_of_date=as_of_date,
            as_of_month=as_of_month,
            staged_rows=int(staged[0]),
            staged_amount=Decimal(staged[1]),
            rejected=rejected,
            accounts=int(accounts[0]) if accounts else 0,
        )
        data.value_tiers = _segments(connection, "value_tier", as_of_month, registry.labels("value_tier"))
        data.pareto_tiers = _segments(connection, "pareto_tier", as_of_month, registry.labels("pareto_tier"))
        cells = registry.labels("value_potential_cell")
        data.cells = _segments(connection, "value_potential_cell", as_of_month, cells)
        data.kpis = _kpis_from_mart(connection, as_of_month)
    return data


def money(value: Decimal | None) -> str:
    return "n/a" if value is None else f"{value:,.2f}"


def number(value: int | None) -> str:
    return "n/a" if value is None else f"{value:,}"


def percent(part: Decimal | int, whole: Decimal | int) -> str:
    if not whole:
        return "n/a"
    return f"{Decimal(part) / Decimal(whole) * 100:.1f} %"


def ratio(value: Decimal | None) -> str:
    return "n/a" if value is None else f"{value * 100:.1f} %"


def _segment_table(label: str, rows: list[SegmentRow], accounts: int, total: Decimal) -> list[str]:
    lines = [
        f"| {label} | accounts | share of accounts | active accounts | T12M revenue | revenue share | ARPA |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        arpa = row.t12m_revenue / row.active_accounts if row.active_accounts else None
        lines.append(
            f"| `{row.segment}` | {row.accounts:,} | {percent(row.accounts, accounts)} | "
            f"{row.active_accounts:,} | {money(row.t12m_revenue)} | {percent(row.t12m_revenue, total)} | "
            f"{money(arpa)} |"
        )
    return lines


def render(
    data: ReportData,
    build_seconds: float | None = None,
    title: str = "Results",
    level: int = 2,
    registry: Registry | None = None,
) -> str:
    """The Markdown section (deterministic for a given warehouse and build time); `level` of the title."""
    registry = registry or Registry.load()
    total = sum((row.t12m_revenue for row in data.value_tiers), Decimal(0))
    sub = "#" * (level + 1)
    out: list[str] = [f"{'#' * level} {title}", ""]
    out.append(f"Warehouse `{Path(data.database).name}`; as_of_date {data.as_of_date}, as_of_month {data.as_of_month}.")
    if build_seconds is not None:
        out.append(f"`dbt build` (models and every data test) took {build_seconds:,.1f} s.")
    out += ["", f"{sub} Input rows: staged or quarantined (SPEC §2)", ""]
    out += [
        f"{data.raw_rows:,} raw rows = {data.staged_rows:,} staged + {data.rejected_rows:,} rejected. "
        f"Staged amount {money(data.staged_amount)} (all lines, core and non-core, before as_of_date filtering).",
        "",
        "| reason | rows | share of raw rows | quantity x unit_price |",
        "|---|---:|---:|---:|",
    ]
    for reason, (rows, amount) in data.rejected.items():
        out.append(f"| `{reason}` | {rows:,} | {percent(rows, data.raw_rows)} | {money(amount)} |")
    out.append(
        f"| **total rejected** | **{data.rejected_rows:,}** | **{percent(data.rejected_rows, data.raw_rows)}** | "
        f"**{money(sum((amount for _, amount in data.rejected.values()), Decimal(0)))}** |"
    )
    kpis = data.kpis
    out += ["", f"{sub} T12M headline figures at {data.as_of_month}", ""]
    if kpis is not None:
        out += [
            "| figure | value |",
            "|---|---:|",
            f"| T12M revenue (all accounts) | {money(kpis.t12m_revenue)} |",
            f"| T12M active accounts | {number(kpis.t12m_active_accounts)} |",
            f"| T12M ARPA | {money(kpis.t12m_arpa)} |",
            f"| NRR (T12M) | {ratio(kpis.nrr_t12m)} |",
            f"| GRR (T12M) | {ratio(kpis.grr_t12m)} |",
            "",
            f"Source: {kpis.source}.",
        ]
    out += ["", f"{sub} Value tiers at {data.as_of_month} ({data.accounts:,} accounts)", ""]
    out += _segment_table("value_tier", data.value_tiers, data.accounts, total)
    out += ["", f"{sub} Pareto tiers at {data.as_of_month}", ""]
    out += _segment_table("pareto_tier", data.pareto_tiers, data.accounts, total)
    out += ["", f"{sub} Value x potential matrix at {data.as_of_month} (accounts per cell)", ""]
    counts = {row.segment: row.accounts for row in data.cells}
    potential_tiers = registry.labels("potential_tier")
    out += [
        f"| value_tier \\ potential_tier | {' or '.join(potential_tiers[:2])} | {' or '.join(potential_tiers[2:])} |",
        "|---|---|---|",
    ]
    for tier, (growth_cell, steady_cell) in registry.cell_matrix().items():
        out.append(
            f"| `{tier}` | `{growth_cell}`: {counts.get(growth_cell, 0):,} | "
            f"`{steady_cell}`: {counts.get(steady_cell, 0):,} |"
        )
    out += ["", *_segment_table("value_potential_cell", data.cells, data.accounts, total), ""]
    return "\n".join(out)


def build_seconds_from(run_results: Path) -> float:
    """Wall time of the dbt invocation that wrote `run_results` (target/run_results.json)."""
    return float(json.loads(run_results.read_text())["elapsed_time"])


REPORT_COMMAND = "segmentation report --section {name}"


def run(args: argparse.Namespace) -> int:
    database: Path = args.database
    if not database.exists():
        print(f"segmentation report: no warehouse at {database}", file=sys.stderr)
        return 2
    started = time.monotonic()
    build_seconds = args.build_seconds
    if build_seconds is None and args.run_results is not None:
        build_seconds = build_seconds_from(args.run_results)
    print(f"report: reading {database} ...", file=sys.stderr)
    text = render(collect(database), build_seconds, args.title, args.heading_level)
    if args.section is not None:
        target: Path = args.output or Path("README.md")
        command = REPORT_COMMAND.format(name=args.section)
        target.write_text(markdown.replace_section(target.read_text(), args.section, command, text))
        print(f"report: updated section {args.section} of {target}", file=sys.stderr)
    elif args.output is None:
        sys.stdout.write(text)
    else:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text)
        print(f"report: wrote {args.output} in {time.monotonic() - started:.1f} s", file=sys.stderr)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "report",
        help="write a Markdown results section from a built warehouse",
        description=(
            "Summarise a warehouse built by `dbt build`: quarantined rows by reason, T12M revenue, ARPA, "
            "NRR and GRR, and accounts by value tier, Pareto tier and value x potential cell at as_of_month."
        ),
    )
    parser.add_argument("--database", type=Path, required=True, help="the DuckDB file built by dbt")
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help="Markdown file to write (default: stdout); with --section, the file to update (default: README.md)",
    )
    parser.add_argument(
        "--section",
        default=None,
        metavar="NAME",
        help="replace the generated section NAME (between its BEGIN/END comment markers) of --output in place",
    )
    timing = parser.add_mutually_exclusive_group()
    timing.add_argument(
        "--build-seconds", type=float, default=None, help="wall time of the dbt build, shown in the report"
    )
    timing.add_argument(
        "--run-results",
        type=Path,
        default=None,
        metavar="JSON",
        help="take the build time from dbt's target/run_results.json of the build",
    )
    parser.add_argument("--title", default="Results", help="heading of the section (default: Results)")
    parser.add_argument(
        "--heading-level", type=int, default=2, choices=(2, 3), help="Markdown level of the title (default: 2)"
    )
    parser.set_defaults(handler=run)
