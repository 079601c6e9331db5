"""`segmentation quality`: raw input checked before dbt, a build checked against the last published copy.

Every failure names the file or table, the expectation and sample rows; a bad extract exits non-zero.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from conftest import Build
from segmentation import PROJECT_DIR
from segmentation.cli import main
from segmentation.quality.checkpoints import check_raw, check_warehouse
from segmentation.quality.evidence import CANONICAL_COLUMNS, raw_input_from_vars
from segmentation.registry import Registry

HEADER = ",".join(CANONICAL_COLUMNS)
GOOD_LINE = "INV1,{n},C1,2024-0{m}-15 10:00,P1,2,10.50,USD"


def _write_raw(folder: Path, lines: list[str], header: str = HEADER) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "transactions.csv").write_text("\n".join([header, *lines]) + "\n")
    return folder


def _good_lines(count: int = 200) -> list[str]:
    return [GOOD_LINE.format(n=n, m=1 + n % 9) for n in range(count)]


def _statuses(run) -> dict[str, str]:
    return {f"{v.checkpoint}.{v.suite}": v.status for v in run.verdicts}


def test_raw_demo_seed_passes(tmp_path: Path) -> None:
    run = check_raw(raw_input_from_vars(Registry.load()), output_dir=tmp_path)
    assert _statuses(run) == {"raw.columns": "PASS", "raw.summary": "PASS", "raw.parsing": "PASS"}
    assert run.data_docs is not None and run.data_docs.is_file()  # Data Docs still written, at run time


def test_raw_bad_values_fail_naming_file_column_and_rows(tmp_path: Path) -> None:
    bad = ["INV9,1,C1,31/12/2024,P1,two,10.50,USD", "INV9,2,C1,2024-01-01,P1,1,$5,USD"]
    folder = _write_raw(tmp_path / "raw", _good_lines(40) + bad * 3)
    registry = Registry.load({"raw_data_path": str(folder)})
    run = check_raw(raw_input_from_vars(registry), registry)
    assert not run.success
    parsing = next(v for v in run.verdicts if v.suite == "parsing")
    assert parsing.status == "FAIL" and parsing.target == str(folder / "transactions.csv")
    text = "\n".join(parsing.lines())
    assert "unparseable_share" in text
    assert "quantity='two'" in text and "invoiced_at='31/12/2024'" in text and "unit_price='$5'" in text
    assert "row 41:" in text  # the file row of the first bad line
    summary = next(v for v in run.verdicts if v.suite == "summary")
    assert summary.status == "FAIL" and "rejected_share" in "\n".join(summary.lines())


def test_raw_missing_column_and_malformed_record(tmp_path: Path) -> None:
    header = HEADER.replace(",currency", "")
    lines = [line.rsplit(",", 1)[0] for line in _good_lines(50)] + ["INV9,1,C1,2024-01-01,P1,1,2,EXTRA"]
    folder = _write_raw(tmp_path / "raw", lines, header)
    registry = Registry.load({"raw_data_path": str(folder), "quality_max_rejected_share": 0.001})
    run = check_raw(raw_input_from_vars(registry), registry)
    statuses = _statuses(run)
    assert statuses["raw.columns"] == "FAIL" and statuses["raw.summary"] == "FAIL"
    columns = "\n".join(next(v for v in run.verdicts if v.suite == "columns").lines())
    assert "column=currency" in columns
    summary = "\n".join(next(v for v in run.verdicts if v.suite == "summary").lines())
    assert "malformed CSV record" in summary


def test_raw_row_count_and_time_range_follow_the_vars(tmp_path: Path) -> None:
    folder = _write_raw(tmp_path / "raw", _good_lines(20))
    registry = Registry.load(
        {"raw_data_path": str(folder), "quality_min_raw_rows": 1000, "quality_max_invoice_date": "2024-03-31"}
    )
    run = check_raw(raw_input_from_vars(registry), registry)
    summary = "\n".join(next(v for v in run.verdicts if v.suite == "summary").lines())
    assert "(rows; min_value=1000" in summary and "(last_invoice_date;" in summary


@pytest.fixture()
def published(demo_build: Build, tmp_path: Path) -> Callable[[list[str]], tuple[Path, Path]]:
    """(current, baseline): copies of the demo warehouse, the current one changed by `statements`."""

    def make(statements: list[str]) -> tuple[Path, Path]:
        baseline, current = tmp_path / "serving.duckdb", tmp_path / "current.duckdb"
        shutil.copy(demo_build.database, baseline)
        shutil.copy(demo_build.database, current)
        with duckdb.connect(str(current)) as connection:
            for statement in statements:
                connection.execute(statement)
        return current, baseline

    return make


def test_same_build_passes_and_no_baseline_is_said(published, capsys: pytest.CaptureFixture[str]) -> None:
    current, baseline = published([])
    assert check_warehouse(current, baseline).success
    assert main(["quality", "--database", str(current), "--baseline", str(current.parent / "none.duckdb")]) == 0
    assert "SKIP comparison.months" in capsys.readouterr().out
    assert main(["quality", "--database", str(current)]) == 0
    assert "no baseline given" in capsys.readouterr().out


def test_bad_extract_is_stopped_before_bi(published, capsys: pytest.CaptureFixture[str]) -> None:
    current, baseline = published(
        [
            "delete from marts.mart_monthly_revenue where revenue_month = date '2023-03-01'",
            "delete from marts.fct_transactions where revenue_month = date '2023-05-01' and line_number % 3 = 0",
            "update marts.mart_monthly_revenue set revenue = revenue * 0.5 where revenue_month = date '2023-07-01'",
            "update marts.fct_customer_months set revenue = revenue + 100 where revenue_month = date '2024-01-01'",
        ]
    )
    assert main(["quality", "--database", str(current), "--baseline", str(baseline)]) == 1
    out = capsys.readouterr().out
    assert f"FAIL comparison.months (marts vs {baseline})" in out
    assert "present_now" in out and "month 2023-03-01: rows" in out  # the month that disappeared
    assert "rows_change" in out and "month 2023-05-01" in out
    assert "revenue_change" in out and "month 2023-07-01" in out
    assert "FAIL comparison.account_history" in out and "2024-01:" in out


def test_open_months_may_change(published) -> None:
    """Late lines in the latest incremental_lookback_months + 1 months are not a broken history."""
    current, baseline = published(
        [
            "update marts.fct_customer_months set revenue = revenue + 100"
            " where revenue_month = (select max(revenue_month) from marts.fct_customer_months)"
        ]
    )
    assert check_warehouse(current, baseline).success


def test_unreadable_input_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["quality", "--database", str(tmp_path / "missing.duckdb")]) == 2
    assert main(["quality", "--raw", "--vars", f"{{raw_data_path: {tmp_path}}}"]) == 2
    assert "transactions" in capsys.readouterr().err
    assert main(["quality"]) == 2


def test_no_generated_gx_config_is_committed() -> None:
    assert not (PROJECT_DIR / "gx").exists()


def test_help_explains_the_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["quality", "--help"])
    text = capsys.readouterr().out
    assert "--raw" in text and "--baseline" in text and "BEFORE dbt" in text
