"""Great Expectations checkpoints (`segmentation quality`, gx/): they pass on a clean build and fail, naming
the broken expectation and exiting non-zero, on copies of the warehouse broken layer by layer."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import duckdb
import pytest

from conftest import Build
from segmentation.cli import build_parser, main
from segmentation.quality import command
from segmentation.quality.gx_project import GX_DIR, project_files
from segmentation.quality.runner import Options, run_quality
from segmentation.quality.suites import LAYERS, SUITES

pytestmark = pytest.mark.filterwarnings("ignore:`schema_name` is deprecated:DeprecationWarning")

VERDICT = re.compile(r"^(PASS|FAIL) (\S+) +(\d+)/(\d+) +expectations +\d+\.\ds +\((\S+)\)$")


def _tiny_warehouse(path: Path) -> Path:
    """A DuckDB file with one known-bad row: tier 'zzz' (not in a, b) and n = 3."""
    with duckdb.connect(str(path)) as connection:
        connection.execute("create schema marts")
        connection.execute("create table marts.t as select * from (values ('a', 1), ('b', 2), ('zzz', 3)) v(tier, n)")
    return path


def _batch(datasource_type: str, database: Path):
    import great_expectations as gx

    import segmentation.quality.duckdb_datasource  # noqa: F401  (registers add_duckdb)

    context = gx.get_context(mode="ephemeral")
    add = getattr(context.data_sources, f"add_{datasource_type}")
    datasource = add(
        f"{datasource_type}_source",
        connection_string=f"duckdb:///{database}",
        kwargs={"connect_args": {"read_only": True}},
    )
    asset = datasource.add_table_asset("t", table_name="t", schema_name="marts")
    return datasource, asset.add_batch_definition_whole_table("all").get_batch()


# --- the DuckDB data source shim, proven on data with a known defect --------------------------------


def test_stock_sql_datasource_loses_every_metric(tmp_path: Path) -> None:
    """Why duckdb_datasource.py exists: through GX's generic SQL data source every metric comes back empty,
    so even an expectation that must pass fails, with no observed value. If this starts to pass, GX or
    duckdb-engine fixed it and the shim can go."""
    import great_expectations.expectations as gxe

    with pytest.warns(UserWarning, match="more specific DuckDBDatasource"):
        _, batch = _batch("sql", _tiny_warehouse(tmp_path / "tiny.duckdb"))
    result = batch.validate(gxe.ExpectTableRowCountToBeBetween(min_value=0))
    assert not result.success
    assert "observed_value" not in result.result


def test_duckdb_datasource_fails_on_bad_data_and_passes_on_good(tmp_path: Path) -> None:
    import great_expectations.expectations as gxe

    from segmentation.quality.expectations import ExpectColumnValuesToFullyMatchRegex, ExpectQueryToReturnNoRows

    datasource, batch = _batch("duckdb", _tiny_warehouse(tmp_path / "tiny.duckdb"))
    summary = {"result_format": "SUMMARY", "unexpected_index_column_names": ["n"]}

    row_count = batch.validate(gxe.ExpectTableRowCountToBeBetween(min_value=0, max_value=2))
    assert not row_count.success and row_count.result["observed_value"] == 3

    in_set = batch.validate(gxe.ExpectColumnValuesToBeInSet(column="tier", value_set=["a", "b"]), result_format=summary)
    assert not in_set.success
    assert in_set.result["unexpected_count"] == 1
    assert in_set.result["partial_unexpected_list"] == ["zzz"]
    assert in_set.result["partial_unexpected_index_list"] == [{"n": 3, "tier": "zzz"}]
    assert batch.validate(gxe.ExpectColumnValuesToBeInSet(column="tier", value_set=["a", "b", "zzz"])).success

    # A full match, measured as a share of rows: 2 of 3 tiers are one letter.
    assert batch.validate(ExpectColumnValuesToFullyMatchRegex(column="tier", regex="[a-z]", mostly=0.6)).success
    assert not batch.validate(ExpectColumnValuesToFullyMatchRegex(column="tier", regex="[a-z]", mostly=0.7)).success

    sql = batch.validate(
        ExpectQueryToReturnNoRows(check="small_n", unexpected_rows_query="select tier, n from {batch} where n > 2")
    )
    assert not sql.success
    assert sql.result["observed_value"] == 1
    assert sql.result["details"]["unexpected_rows"] == [{"tier": "zzz", "n": 3}]

    # A failing statement must not poison the shared connection for the expectations after it.
    broken = batch.validate(ExpectQueryToReturnNoRows(check="bad", unexpected_rows_query="select nope from {batch}"))
    assert not broken.success and broken.exception_info
    assert batch.validate(gxe.ExpectColumnValuesToNotBeNull(column="tier")).success
    datasource.get_execution_engine().close()


# --- the file context ------------------------------------------------------------------------------


def test_gx_dir_is_generated_from_suites() -> None:
    """gx/ holds exactly what `segmentation quality --write-gx` writes from suites.py."""
    expected = project_files()
    committed = {
        str(path.relative_to(GX_DIR))
        for folder in ("expectations", "validation_definitions", "checkpoints")
        for path in (GX_DIR / folder).rglob("*")
        if path.is_file()
    }
    assert committed == {
        name for name in expected if name.split("/")[0] in ("expectations", "validation_definitions", "checkpoints")
    }
    stale = [name for name, content in expected.items() if (GX_DIR / name).read_text() != content]
    assert not stale, f"gx/ is out of date, run `segmentation quality --write-gx`: {stale}"


def test_suites_are_ordered_layer_by_layer() -> None:
    layers = [LAYERS.index(spec.layer) for spec in SUITES]
    assert layers == sorted(layers)
    assert {spec.layer for spec in SUITES} == set(LAYERS)


# --- clean and broken warehouses -------------------------------------------------------------------


def _quality(capsys: pytest.CaptureFixture[str], database: Path, output: Path, *extra: str) -> tuple[int, str]:
    args = build_parser().parse_args(["quality", "--database", str(database), "--output", str(output), *extra])
    code = command.run(args)
    return code, capsys.readouterr().out


@pytest.fixture
def broken_copy(demo_build: Build, tmp_path: Path) -> Callable[[Sequence[str]], Path]:
    """A copy of the demo warehouse with `statements` applied to it."""

    def make(statements: Sequence[str]) -> Path:
        copy = tmp_path / "broken.duckdb"
        shutil.copyfile(demo_build.database, copy)
        with duckdb.connect(str(copy)) as connection:
            for statement in statements:
                connection.execute(statement)
        return copy

    return make


def test_clean_demo_build_passes_every_suite(
    demo_build: Build, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _quality(capsys, demo_build.database, tmp_path / "out")
    assert code == 0, out
    verdicts = [VERDICT.match(line) for line in out.splitlines() if line.startswith(("PASS", "FAIL", "SKIP", "ERROR"))]
    assert all(verdicts), out
    assert [match.group(2) for match in verdicts] == [spec.name for spec in SUITES]  # type: ignore[union-attr]
    assert {match.group(1) for match in verdicts} == {"PASS"}  # type: ignore[union-attr]
    assert all(int(match.group(3)) == int(match.group(4)) > 0 for match in verdicts)  # type: ignore[union-attr]
    assert "raw input read from seed (raw.raw_transactions)" in out
    assert (tmp_path / "out" / "data_docs" / "local_site" / "index.html").exists()
    assert list((tmp_path / "out" / "validations").rglob("*.json"))


_FIRST_LINE = "(select min(transaction_key) from staging.stg_transactions)"
_FIRST_ACCOUNT_MONTH = (
    "(customer_id, revenue_month) = (select (customer_id, revenue_month) from marts.fct_customer_months"
    " where revenue > 0 order by revenue_month, customer_id limit 1)"
)
_LAST_SNAPSHOT = (
    "(customer_id, snapshot_month) = (select (customer_id, snapshot_month) from marts.fct_customer_snapshots"
    " order by snapshot_month desc, customer_id limit 1)"
)
_LAST_SEGMENT = (
    "(snapshot_month, segment_type, segment) = (select (snapshot_month, segment_type, segment)"
    " from marts.mart_segment_summary where segment_type = 'value_tier' order by snapshot_month desc, segment"
    " limit 1)"
)

# (statements breaking the copy, failing suite, name of the failing expectation, text in its failure line)
BROKEN: dict[str, tuple[list[str], str, str, str]] = {
    "raw_column_dropped": (
        ["alter table raw.raw_transactions drop column quantity"],
        "raw.transactions",
        "expect_table_columns_to_match_set",
        "missing columns: quantity",
    ),
    "raw_dates_in_us_format": (
        [
            "update raw.raw_transactions set invoiced_at = strftime(try_strptime(invoiced_at[:10], '%Y-%m-%d'),"
            " '%m/%d/%Y') where invoice_id like '%3' and try_strptime(invoiced_at[:10], '%Y-%m-%d') is not null"
        ],
        "raw.transactions",
        "expect_column_values_to_fully_match_regex(invoiced_at)",
        "rows unexpected",
    ),
    # stg_transactions is a view of stg_transactions_validated: the stored staged lines are tampered there
    "staged_amount_tampered": (
        [
            "update staging.stg_transactions_validated set amount = amount + 1000"
            f" where source_row_number = {_FIRST_LINE}"
        ],
        "staging.transactions",
        "amount_is_quantity_x_unit_price_x_fx_rate",
        "1 failing row",
    ),
    "staged_row_lost": (
        [f"delete from staging.stg_transactions_validated where source_row_number = {_FIRST_LINE}"],
        "staging.conservation",
        "raw_equals_staged_plus_rejected",
        "1 failing row",
    ),
    "unknown_tier_in_mart": (
        [f"update marts.fct_customer_snapshots set value_tier = 'platinum' where {_LAST_SNAPSHOT}"],
        "marts.fct_customer_snapshots",
        "expect_column_values_to_be_in_set(value_tier)",
        "1 of",
    ),
    "negative_potential": (
        [f"update marts.fct_customer_snapshots set potential = -5 where {_LAST_SNAPSHOT}"],
        "marts.fct_customer_snapshots",
        "expect_column_values_to_be_between(potential)",
        "1 of",
    ),
    "bridge_broken": (
        [f"update marts.fct_customer_months set movement_amount = movement_amount + 500 where {_FIRST_ACCOUNT_MONTH}"],
        "marts.fct_customer_months",
        "monthly_bridge_identity",
        "1 failing row",
    ),
    "category_sum_broken": (
        [
            "update marts.fct_customer_months set conversion_revenue = conversion_revenue + 100"
            f" where {_FIRST_ACCOUNT_MONTH}"
        ],
        "marts.fct_customer_months",
        "category_sum_identity",
        "1 failing row",
    ),
    "account_share_above_one": (
        [f"update marts.mart_segment_summary set account_share = 1.5 where {_LAST_SEGMENT}"],
        "marts.mart_segment_summary",
        "expect_column_values_to_be_between(account_share)",
        "1 of",
    ),
    "revenue_shares_do_not_sum_to_one": (
        [f"update marts.mart_segment_summary set revenue_share = revenue_share + 0.1 where {_LAST_SEGMENT}"],
        "marts.mart_segment_summary",
        "shares_sum_to_one",
        "1 failing row",
    ),
    "monthly_revenue_bridge_broken": (
        [
            "update marts.mart_monthly_revenue set expansion_revenue = expansion_revenue + 10"
            " where revenue_month = (select max(revenue_month) from marts.mart_monthly_revenue)"
        ],
        "marts.mart_monthly_revenue",
        "revenue_bridge_balances",
        "1 failing row",
    ),
    "cohort_more_active_than_accounts": (
        [
            "update marts.mart_cohort_retention set active_accounts = cohort_accounts + 1"
            " where months_since_acquisition = 2"
            " and cohort_month = (select min(cohort_month) from marts.mart_cohort_retention)"
        ],
        "marts.mart_cohort_retention",
        "cohort_retention_consistent",
        "1 failing row",
    ),
    "migration_loses_accounts": (
        [
            "delete from marts.mart_segment_migration"
            " where snapshot_month = (select max(snapshot_month) from marts.mart_segment_migration)"
            " and to_value_tier = 'medium'"
        ],
        "marts.mart_segment_migration",
        "migration_covers_every_account",
        "1 failing row",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_copy_fails_the_right_expectation(
    case: str,
    broken_copy: Callable[[Sequence[str]], Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    statements, suite, expectation, observed = BROKEN[case]
    code, out = _quality(capsys, broken_copy(statements), tmp_path / "out")
    assert code == 1, out
    lines = out.splitlines()
    verdicts = {line.split()[1]: line.split()[0] for line in lines if line.startswith(("PASS", "FAIL", "SKIP"))}
    assert verdicts[suite] == "FAIL", out
    failing = [line for line in lines if line.strip().startswith(f"failed: {expectation}:")]
    assert failing and observed in failing[0], out
    # Layer by layer: what comes before the broken layer passes, what comes after is skipped.
    layer = LAYERS.index(suite.split(".")[0])
    for spec in SUITES:
        if LAYERS.index(spec.layer) < layer:
            assert verdicts[spec.name] == "PASS", out
        elif LAYERS.index(spec.layer) > layer:
            assert verdicts[spec.name] == "SKIP", out


def test_failure_shows_sample_keys(broken_copy: Callable[[Sequence[str]], Path], tmp_path: Path) -> None:
    copy = broken_copy(BROKEN["unknown_tier_in_mart"][0])
    with duckdb.connect(str(copy), read_only=True) as connection:
        key = connection.execute(
            "select customer_id, snapshot_month from marts.fct_customer_snapshots where value_tier = 'platinum'"
        ).fetchall()
    result = run_quality(copy, tmp_path / "out", Options(keep_going=True))
    verdict = next(v for v in result.verdicts if v.suite == "marts.fct_customer_snapshots")
    failure = next(f for f in verdict.failures if f.expectation == "expect_column_values_to_be_in_set(value_tier)")
    customer, month = key[0]
    assert "values: 'platinum'" in failure.sample
    assert f"key: customer_id={customer!r} snapshot_month={month.isoformat()} value_tier='platinum'" in failure.sample
    # keep_going runs every layer; only the broken suite fails.
    assert [v.status for v in result.verdicts if v.suite != verdict.suite] == ["PASS"] * (len(SUITES) - 1)


def test_raw_data_path_build_is_checked_through_its_adapter_view(
    folder_build: Callable[..., Build], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A build on Parquet files (var raw_data_path): the raw suites validate staging's adapter view."""
    data = tmp_path / "data"
    assert main(["generate", "--lines", "20000", "--out", str(data), "--seed", "3"]) == 0
    build = folder_build(data)
    code, out = _quality(capsys, build.database, tmp_path / "out")
    assert code == 0, out
    assert "raw input read from files (staging.stg_canonical__transactions)" in out
    assert "PASS raw.transactions" in out and "(staging.stg_canonical__transactions)" in out


def test_missing_mart_is_an_error(
    broken_copy: Callable[[Sequence[str]], Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _quality(capsys, broken_copy(["drop table marts.mart_segment_summary"]), tmp_path / "out")
    assert code == 1
    assert "ERROR marts.mart_segment_summary" in out
    assert "marts.mart_segment_summary is not in the warehouse" in out


def test_raw_row_count_band(demo_build: Build, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = demo_build.scalar("select count(*) from raw.raw_transactions")
    code, out = _quality(capsys, demo_build.database, tmp_path / "out", "--max-raw-rows", str(rows - 1))
    assert code == 1
    assert f"failed: expect_table_row_count_to_be_between: observed {rows}" in out


def test_command_line_exit_code_and_output(broken_copy: Callable[[Sequence[str]], Path], tmp_path: Path) -> None:
    """The real console entry point: exit code 1, the verdicts on stdout, nothing else on stderr."""
    copy = broken_copy(BROKEN["bridge_broken"][0])
    done = subprocess.run(
        [sys.executable, "-m", "segmentation.cli", "quality", "--database", str(copy), "--output", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "FAIL marts.fct_customer_months" in done.stdout
    assert "failed: monthly_bridge_identity: 1 failing row" in done.stdout
    assert done.stderr == ""


def test_not_a_warehouse(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = build_parser().parse_args(["quality", "--database", str(tmp_path / "missing.duckdb")])
    assert command.run(args) == 2
    assert "no warehouse at" in capsys.readouterr().err


def test_help_explains_the_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["quality", "--help"])
    text = capsys.readouterr().out
    for words in ("--database", "raw", "staging", "marts", "Data Docs", "Exit code", "read-only"):
        assert words in text
