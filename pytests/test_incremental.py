"""Incremental runs give exactly the marts of a full refresh.

The demo transactions are split in two batches: the history (everything before the last two months,
minus some lines of its last month held back as late arrivals) and the rest, appended to the same file.
The appended batch also carries the cases where earlier rows of the marts change: a duplicate of a
staged line with a lower line_number (the staged line becomes the rejected one), a duplicate with a higher
line_number (the new row is rejected), an account returning after months of silence (gap months before
the lookback window appear), an account whose history nets to <= 0 buying for the first time (its
acquisition_month moves on every earlier row) and a new account. Every `marts.*` table of the incremental
warehouse must equal, row for row (EXCEPT ALL both ways), the one of a warehouse built from scratch on the
final file. A run whose settings differ from the ones the incremental models were built with, or whose
as_of_date moves back before lines already in them, stops and names `dbt build --full-refresh`; a line
that arrives later than the lookback window fails the build instead of giving wrong marts.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from conftest import Build, write_csv
from segmentation import PROJECT_DIR
from segmentation.bench.compare import compare_warehouses

SEEDS = PROJECT_DIR / "seeds" / "demo"
HEADER = ["invoice_id", "line_number", "customer_id", "invoiced_at", "product_id", "quantity", "unit_price", "currency"]
APPENDED_MONTHS = ("2025-11", "2025-12")
LATE_MONTH = "2025-10"  # the history's last month: some of its lines arrive with the appended batch
PRODUCT = "CON-1001"  # a core product of the demo catalogue


@dataclass
class Batches:
    history: list[list[str]]
    appended: list[list[str]]
    demoted_invoice: str
    kept_invoice: str
    returning_customer: str


def _read(name: str) -> list[list[str]]:
    with (SEEDS / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))[1:]


def _month(row: list[str]) -> str:
    return row[3].strip()[:7]


def make_batches() -> Batches:
    rows = _read("raw_transactions.csv")
    history = [row for row in rows if _month(row) not in APPENDED_MONTHS]
    appended = [row for row in rows if _month(row) in APPENDED_MONTHS]
    # Late lines: every tenth line of the history's last month arrives with the appended batch.
    late = [row for row in history if _month(row) == LATE_MONTH][::10]
    history = [row for row in history if not any(row is line for line in late)]
    appended = late + appended

    # A duplicate of a staged history line (same values), with a lower line_number: it takes its place.
    original = next(r for r in history if _month(r) == LATE_MONTH and r[1] == "2" and r[2] and r[7] == "USD")
    appended.append([original[0], "1", *original[2:]])
    # A duplicate of another staged line with a higher line_number (and `1.0` for `1`): the new row is rejected.
    kept = next(
        r for r in history if _month(r) == LATE_MONTH and r[1] == "1" and r[2] and r[5] == "1" and r[0] != original[0]
    )
    appended.append([kept[0], "99", kept[2], kept[3], kept[4], "1.0", kept[6], kept[7]])

    # An account silent for months comes back: its gap months, before the lookback window, appear.
    core = {row[0] for row in _read("raw_products.csv") if row[3] == "true"}
    last_month: dict[str, str] = {}
    for row in history + appended:
        if row[0].startswith("INV-1") and row[4] in core:  # clean purchase invoices of core products
            last_month[row[2]] = max(last_month.get(row[2], ""), _month(row))
    returning = min((month, customer) for customer, month in last_month.items() if month <= "2025-05")[1]
    appended.append(["INC-RETURN", "1", returning, "2025-12-10 10:00:00", PRODUCT, "3", "120.00", "USD"])

    # An account whose history nets to <= 0 (a return only) buys: acquisition_month moves on all its rows.
    history.append(["INC-CREDIT", "1", "C-INC-1", "2024-03-05", PRODUCT, "-1", "50.00", "USD"])
    appended.append(["INC-FIRST", "1", "C-INC-1", "2025-11-20", PRODUCT, "2", "50.00", "USD"])
    # A new account.
    appended.append(["INC-NEW", "1", "C-INC-2", "2025-12-01 09:00:00", PRODUCT, "1", "75.00", "USD"])
    return Batches(history, appended, original[0], kept[0], returning)


def write_raw(folder: Path, rows: list[list[str]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    write_csv(folder / "transactions.csv", HEADER, rows)
    for name in ("customers", "products", "fx_rates"):
        shutil.copyfile(SEEDS / f"raw_{name}.csv", folder / f"{name}.csv")
    return folder


def full_refresh(work: Path, rows: list[list[str]], **dbt_vars: object) -> Build:
    raw = write_raw(work / "raw", rows)
    build = Build(work, {"raw_data_path": str(raw), **dbt_vars})
    build.dbt("build")
    return build


def assert_same_marts(incremental: Build, full: Build) -> None:
    comparison = compare_warehouses(full.database, incremental.database)
    assert comparison.equal, comparison.differences
    assert {"fct_transactions", "fct_customer_months", "fct_customer_snapshots", "dim_customers"} <= set(
        comparison.rows
    )


def compiled_sql(build: Build, model: str) -> str:
    results = json.loads((build.work_dir / "target" / "run_results.json").read_text())
    return next(r["compiled_code"] for r in results["results"] if r["unique_id"] == f"model.segmentation.{model}")


@pytest.fixture(scope="module")
def batches() -> Batches:
    return make_batches()


@pytest.fixture(scope="module")
def incremental(tmp_path_factory: pytest.TempPathFactory, batches: Batches) -> Build:
    """The history built, then the appended batch added to the same file and built incrementally."""
    work = tmp_path_factory.mktemp("incremental")
    raw = write_raw(work / "raw", batches.history)
    build = Build(work, {"raw_data_path": str(raw)})
    build.dbt("build")
    write_raw(raw, batches.history + batches.appended)
    build.dbt("build")
    return build


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory, batches: Batches) -> Build:
    return full_refresh(tmp_path_factory.mktemp("full"), batches.history + batches.appended)


def settings_digest_part(name: str, value: str) -> str:
    """One part of the incremental models' settings_digest (macro incremental_settings_digest)."""
    return hashlib.md5(f"{name}={value}".encode()).hexdigest()[:8]


def copy_build(source: Build, work: Path, **dbt_vars: object) -> Build:
    """A copy of a built warehouse and its raw folder, to go on from it independently."""
    raw = work / "raw"
    shutil.copytree(source.work_dir / "raw", raw)
    build = Build(work, {**source.dbt_vars, "raw_data_path": str(raw), **dbt_vars})
    shutil.copyfile(source.database, build.database)
    # The copy reads the same rows from its own folder: record that as the input the incremental models
    # were built from (the raw input part of their settings_digest; else they refuse to run incrementally).
    old, new = str(source.work_dir / "raw"), str(raw)
    old_part = settings_digest_part("raw input", f"{old}/transactions.csv")
    new_part = settings_digest_part("raw input", f"{new}/transactions.csv")
    with duckdb.connect(str(build.database)) as connection:
        connection.execute(
            "update staging.stg_transactions_validated set source_file = replace(source_file, ?, ?)", [old, new]
        )
        tables = connection.execute(
            "select table_schema, table_name from information_schema.columns where column_name = 'settings_digest'"
        ).fetchall()
        for schema, table in tables:
            if connection.execute(
                "select table_type from information_schema.tables where table_schema = ? and table_name = ?",
                [schema, table],
            ).fetchone() == ("BASE TABLE",):
                connection.execute(
                    f"update {schema}.{table} set settings_digest = replace(settings_digest, ?, ?)",
                    [old_part, new_part],
                )
    return build


def test_appended_batch_equals_full_refresh(incremental: Build, full: Build) -> None:
    assert_same_marts(incremental, full)


def test_second_run_was_incremental(incremental: Build) -> None:
    """The second build re-processed a window of months and the appended raw rows, not everything."""
    assert "revenue_month >= date '2025-09-01'" in compiled_sql(incremental, "fct_transactions")
    assert re.search(r"source_row_number > [1-9]", compiled_sql(incremental, "stg_transactions_validated"))


def test_the_batch_exercises_the_edge_cases(incremental: Build, batches: Batches) -> None:
    # the line staged first is now the rejected duplicate
    demoted = incremental.query(
        "select reason, line_number from audit.rejected_transactions"
        " where invoice_id = ? and reason = 'duplicate_line'",
        [batches.demoted_invoice],
    )
    assert [row[0] for row in demoted] == ["duplicate_line"] and demoted[0][1] != "1"
    # the new duplicate with a higher line_number is the rejected one; the staged line stays
    kept = incremental.query(
        "select line_number, quantity from audit.rejected_transactions"
        " where invoice_id = ? and reason = 'duplicate_line'",
        [batches.kept_invoice],
    )
    assert kept == [("99", "1.0")]
    # gap months before the lookback window were added for the returning account
    gap = incremental.scalar(
        f"select count(*) from marts.fct_customer_months where customer_id = '{batches.returning_customer}'"
        " and revenue_month between date '2025-07-01' and date '2025-08-01'"
    )
    assert gap == 2
    # the account acquired by the appended batch carries its acquisition month on its 2024 rows too
    acquired = incremental.query(
        "select distinct acquisition_month from marts.fct_customer_months where customer_id = 'C-INC-1'"
    )
    assert [str(row[0]) for row in acquired] == ["2025-11-01"]


def test_as_of_date_moving_back_stops_until_full_refresh(incremental: Build, batches: Batches, tmp_path: Path) -> None:
    """as_of_date before lines already in the incremental models: the run stops and names the fix; the full
    refresh it names equals a build from scratch."""
    moved = copy_build(incremental, tmp_path / "moved", as_of_date="2025-11-15")
    result = moved.dbt("build", check=False)
    assert result.returncode != 0
    assert "after this run's as_of_date 2025-11-15 (as_of_date moved back)" in result.stdout
    assert "rebuild with `dbt build --full-refresh`" in result.stdout
    refused = r"ERROR creating sql incremental model intermediate\.int_customer_core_key_months\b"
    assert re.search(refused, result.stdout)
    moved.dbt("build", "--full-refresh")
    reference = full_refresh(tmp_path / "reference", batches.history + batches.appended, as_of_date="2025-11-15")
    assert_same_marts(moved, reference)


def test_settings_change_stops_the_incremental_run(incremental: Build, tmp_path: Path) -> None:
    """Another penetration_grain: the month-grain models were built with the old one. They stop, naming the
    setting and the fix, rather than mix rows of both (staging does not depend on it and runs)."""
    changed = copy_build(incremental, tmp_path / "changed", penetration_grain="product")
    result = changed.dbt("build", check=False)
    assert result.returncode != 0
    assert "was built with other settings (changed: penetration_grain)" in result.stdout
    assert "rebuild with `dbt build --full-refresh`" in result.stdout
    assert re.search(r"OK created sql incremental model staging\.stg_transactions_validated\b", result.stdout)
    refused = r"ERROR creating sql incremental model intermediate\.int_customer_core_key_months\b"
    assert re.search(refused, result.stdout)
    # a changed reference relation is named too
    products = changed.work_dir / "raw" / "products.csv"
    rows = products.read_text(encoding="utf-8").splitlines()
    products.write_text("\n".join([*rows, "ZZ-NEW,A new product,Widgets,true"]) + "\n", encoding="utf-8")
    grain_back = Build(changed.work_dir, {**changed.dbt_vars, "penetration_grain": "product_line"})
    result = grain_back.dbt("build", check=False)
    assert result.returncode != 0
    assert "was built with other settings (changed: products)" in result.stdout


def test_line_later_than_the_lookback_fails_the_build(incremental: Build, batches: Batches, tmp_path: Path) -> None:
    late = copy_build(incremental, tmp_path / "late")
    old_line = ["INC-LATE", "1", "C0017", "2024-06-03", PRODUCT, "1", "10.00", "USD"]
    write_raw(late.work_dir / "raw", batches.history + batches.appended + [old_line])
    result = late.dbt("build", check=False)
    assert result.returncode != 0
    assert "FAIL 1 assert_fct_transactions_match_staged_lines" in result.stdout


def test_rows_rewritten_in_place_fail_the_build(incremental: Build, batches: Batches, tmp_path: Path) -> None:
    """The input must be append-only: an earlier row edited in place (same row count and amounts, another
    customer) is not kept stale: assert_staged_rows_match_raw_input fails and the marts are skipped;
    a full refresh then equals a build from scratch."""
    rewritten = copy_build(incremental, tmp_path / "rewritten")
    rows = [list(row) for row in batches.history + batches.appended]
    index = next(i for i, row in enumerate(rows) if row[0].startswith("INV-1") and row[2] != "C0017")
    rows[index][2] = "C0017"
    write_raw(rewritten.work_dir / "raw", rows)
    result = rewritten.dbt("build", check=False)
    assert result.returncode != 0
    assert "FAIL 1 assert_staged_rows_match_raw_input" in result.stdout
    assert re.search(r"SKIP relation marts\.fct_transactions\b", result.stdout)
    rewritten.dbt("build", "--full-refresh")
    assert_same_marts(rewritten, full_refresh(tmp_path / "reference", rows))
