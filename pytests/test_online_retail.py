"""The UCI Online Retail file (SPEC §9) through the whole pipeline: a real-data end-to-end build.

The expected figures are derived in docs/online_retail.md from the data README's facts and checked here a
second way, straight from the raw file with DuckDB's own type detection (independent of the adapter).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from conftest import SHARED_DATA, Build
from reference_check import TOLERANCE, assert_marts_match
from reference_impl import Line, Settings, compute
from segmentation import PROJECT_DIR, cli, markdown, report
from segmentation.dbt_runner import dbt_env

ONLINE_RETAIL = SHARED_DATA / "uci_online_retail" / "online_retail.csv.gz"
UCI_VARS = {"source": "online_retail", "reporting_currency": "GBP", "penetration_grain": "product"}

RAW_ROWS = 541_909
# SPEC §2 reason -> (rows, sum of quantity * unit_price); derivation in docs/online_retail.md.
EXPECTED_REJECTED = {
    "missing_invoice": (0, Decimal("0")),
    "missing_customer": (135_080, Decimal("1447682.12")),
    "invalid_date": (0, Decimal("0")),
    "missing_product": (0, Decimal("0")),
    "invalid_number": (0, Decimal("0")),
    "zero_quantity": (0, Decimal("0")),
    "negative_price": (0, Decimal("0")),
    "unknown_currency": (0, Decimal("0")),
    "duplicate_line": (5_227, Decimal("22098.24")),
}
STAGED_ROWS = 401_602
RAW_AMOUNT = Decimal("9747747.934")
STAGED_AMOUNT = Decimal("8277967.574")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not ONLINE_RETAIL.exists(), reason=f"UCI Online Retail file not found at {ONLINE_RETAIL}"),
]


@pytest.fixture(scope="module")
def uci_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """`dbt build` of the whole project on the UCI file (~30 s), once for this module."""
    build = Build(tmp_path_factory.mktemp("uci"), UCI_VARS)
    started = time.monotonic()
    result = build.dbt("build")  # raises with dbt's output unless it exits 0
    build.seconds = time.monotonic() - started  # type: ignore[attr-defined]
    build.stdout = result.stdout  # type: ignore[attr-defined]
    print(f"UCI dbt build: {build.seconds:.1f} s")  # type: ignore[attr-defined]
    return build


def test_every_model_and_test_passes(uci_build: Build) -> None:
    results = json.loads((uci_build.work_dir / "target" / "run_results.json").read_text())["results"]
    # dbt 1.11 `build` lists exposures too, as `no-op`: nothing runs for them
    not_ok = [
        (result["unique_id"], result["status"])
        for result in results
        if result["status"] not in ("success", "pass")
        and not (result["unique_id"].startswith("exposure.") and result["status"] == "no-op")
    ]
    assert not not_ok, not_ok
    assert any(result["unique_id"].startswith("test.") for result in results)


def test_rows_conserved(uci_build: Build) -> None:
    raw = uci_build.scalar("select count(*) from staging.stg_online_retail__transactions")
    staged = uci_build.scalar("select count(*) from staging.stg_transactions")
    rejected = uci_build.scalar("select count(*) from audit.rejected_transactions")
    assert raw == RAW_ROWS
    assert staged == STAGED_ROWS
    assert staged + rejected == RAW_ROWS


def test_amounts_conserved(uci_build: Build) -> None:
    raw = uci_build.scalar(
        "select sum(cast(quantity as decimal(18, 6)) * cast(unit_price as decimal(18, 6)))"
        " from staging.stg_online_retail__transactions"
    )
    staged = uci_build.scalar("select sum(quantity * unit_price) from staging.stg_transactions")
    rejected = uci_build.scalar("select sum(raw_amount) from audit.rejected_transactions")
    assert raw == RAW_AMOUNT
    assert staged == STAGED_AMOUNT
    assert staged + rejected == raw


def test_rejected_counts_per_reason(uci_build: Build) -> None:
    found = {
        reason: (rows, amount)
        for reason, rows, amount in uci_build.query(
            "select reason, count(*), sum(raw_amount) from audit.rejected_transactions group by reason"
        )
    }
    expected = {reason: value for reason, value in EXPECTED_REJECTED.items() if value[0]}
    assert found == expected


def test_rejected_counts_match_an_independent_recount(uci_build: Build) -> None:
    """Recount SPEC §2 straight from the file with DuckDB's typed CSV sniffing (not the adapter)."""
    with duckdb.connect() as connection:
        missing_customer, negative_price_rows, zero_quantity, invalid, duplicates = connection.execute(
            f"""
            with raw as (select * from read_csv_auto('{ONLINE_RETAIL}')),
            with_customer as (select * from raw where CustomerID is not null)
            select
                (select count(*) from raw where CustomerID is null),
                (select count(*) from with_customer where UnitPrice < 0),
                (select count(*) from with_customer where Quantity = 0),
                (select count(*) from with_customer
                    where InvoiceNo is null or InvoiceDate is null or StockCode is null
                    or Quantity is null or UnitPrice is null),
                (select count(*) from with_customer)
                - (select count(*) from (
                    select distinct InvoiceNo, CustomerID, InvoiceDate, StockCode, Quantity, UnitPrice
                    from with_customer
                ))
            """
        ).fetchone()
    reasons = dict(uci_build.query("select reason, count(*) from audit.rejected_transactions group by reason"))
    assert reasons.get("missing_customer", 0) == missing_customer == EXPECTED_REJECTED["missing_customer"][0]
    assert reasons.get("negative_price", 0) == negative_price_rows == 0
    assert reasons.get("zero_quantity", 0) == zero_quantity == 0
    assert invalid == 0
    assert reasons.get("duplicate_line", 0) == duplicates == EXPECTED_REJECTED["duplicate_line"][0]


def test_adapter_mapping(uci_build: Build) -> None:
    first = uci_build.query(
        "select source_row_number, invoice_id, line_number, customer_id, invoiced_at, product_id, quantity,"
        " unit_price, currency from staging.stg_online_retail__transactions where source_row_number in (1, 541909)"
        " order by source_row_number"
    )
    assert first[0] == (1, "536365", "1", "17850", "2010-12-01 08:26:00", "85123A", "6", "2.55", "GBP")
    assert first[1][:3] == (541909, "581587", "541909")
    assert (
        uci_build.scalar("select count(*) from staging.stg_online_retail__transactions where customer_id like '%.%'")
        == 0
    )


def test_derived_customers_and_products(uci_build: Build) -> None:
    assert uci_build.scalar("select count(*) from staging.stg_customers") == 4_372
    countries = dict(
        uci_build.query(
            "select customer_id, country from staging.stg_customers"
            " where customer_id in ('12455', '12422', '12431', '17850')"
        )
    )
    # 12455: Spain 48 rows vs Cyprus 42; 12422: Australia 21 vs Switzerland 18.
    assert countries == {"12455": "Spain", "12422": "Australia", "12431": "Australia", "17850": "United Kingdom"}
    assert uci_build.scalar("select count(*) from staging.stg_products") == 4_070
    non_core = {row[0] for row in uci_build.query("select product_id from staging.stg_products where not is_core")}
    assert non_core == {
        "POST", "DOT", "C2", "M", "m", "D", "S", "B", "BANK CHARGES", "AMAZONFEE", "CRUK",
        "gift_0001_10", "gift_0001_20", "gift_0001_30", "gift_0001_40", "gift_0001_50",
    }  # fmt: skip
    assert uci_build.scalar("select count(distinct product_line) from staging.stg_products") == 1
    assert (
        uci_build.scalar("select product_name from staging.stg_products where product_id = '85123A'")
        == "WHITE HANGING HEART T-LIGHT HOLDER"
    )


def test_monthly_revenue_sums_to_staged_core_revenue(uci_build: Build) -> None:
    staged_core = uci_build.scalar(
        "select sum(amount) from staging.stg_transactions"
        " where is_core and invoice_date <= (select as_of_date from intermediate.int_as_of_dates)"
    )
    monthly = uci_build.scalar("select sum(revenue) from marts.mart_monthly_revenue")
    assert abs(monthly - staged_core) <= TOLERANCE
    months = uci_build.scalar("select count(*) from marts.mart_monthly_revenue")
    assert months == 13  # 2010-12 .. 2011-12


def test_core_marts_reconcile_with_staging(uci_build: Build) -> None:
    as_of = uci_build.query("select as_of_date, as_of_month from intermediate.int_as_of_dates")[0]
    assert [str(value) for value in as_of] == ["2011-12-09", "2011-12-01"]
    staged_core = uci_build.scalar("select sum(amount) from staging.stg_transactions where is_core")
    months = uci_build.scalar("select sum(revenue) from marts.fct_customer_months")
    facts = uci_build.scalar("select sum(amount) from marts.fct_transactions where is_core")
    assert abs(months - staged_core) <= TOLERANCE
    assert abs(facts - staged_core) <= TOLERANCE


def test_marts_match_the_reference_implementation(uci_build: Build) -> None:
    """Every SPEC §3-7 mart equals the independent Python implementation (pytests/reference_impl.py) run on
    the same staged lines: real returns, cancellations, gaps and heavy tails, not only synthetic edges.
    The reference takes about 10 s on the 401,602 staged lines."""
    lines = [
        Line(*row)
        for row in uci_build.query(
            "select invoice_id, customer_id, invoiced_at, product_id, quantity, unit_price, fx_rate, is_core,"
            " product_line from staging.stg_transactions"
        )
    ]
    customers = {
        customer_id: {"industry": industry, "country": country, "employee_count": employee_count}
        for customer_id, industry, country, employee_count in uci_build.query(
            "select customer_id, industry, country, employee_count from staging.stg_customers"
        )
    }
    assert len(lines) == STAGED_ROWS
    assert_marts_match(uci_build, compute(lines, customers, Settings(penetration_grain="product")))


def test_report_command(uci_build: Build, tmp_path: Path) -> None:
    output = tmp_path / "results.md"
    code = cli.main(
        ["report", "--database", str(uci_build.database), "--output", str(output), "--build-seconds", "12.5"]
    )
    assert code == 0
    text = output.read_text()
    assert "541,909 raw rows = 401,602 staged + 140,307 rejected" in text
    assert "| `missing_customer` | 135,080 |" in text
    assert "| `duplicate_line` | 5,227 |" in text
    assert "took 12.5 s" in text
    for heading in ("Value tiers", "Pareto tiers", "Value x potential matrix", "T12M headline figures"):
        assert heading in text


def test_quality_checkpoints_pass_with_the_builds_own_settings(uci_build: Build) -> None:
    """`segmentation quality` reads the reporting currency (GBP) the warehouse was built with."""
    assert uci_build.scalar("select reporting_currency from intermediate.int_as_of_dates") == "GBP"
    assert cli.main(["quality", "--database", str(uci_build.database)]) == 0


def test_readme_results_section_matches_a_fresh_build(uci_build: Build) -> None:
    """The README's results section is the `report` output of this build (regenerate it with `make uci`)."""
    committed_text = markdown.section((PROJECT_DIR / "README.md").read_text(), "online_retail")
    assert committed_text is not None, "README.md lacks the generated section online_retail"
    committed = committed_text.strip().splitlines()
    timing = [line for line in committed if line.startswith("`dbt build` (models and every data test) took")]
    assert len(timing) == 1, "the section gives the build time"
    data = report.collect(uci_build.database)
    data.database = "warehouse/online_retail.duckdb"
    rendered = report.render(data, None, "Results on the UCI Online Retail file", level=3).strip().splitlines()
    assert [line for line in committed if line not in timing] == rendered, "README results are stale: run `make uci`"


def test_sqlfluff_lints_the_adapter(tmp_path: Path) -> None:
    """The adapter models are disabled by default (so the repo-wide lint skips them): lint them enabled."""
    config = tmp_path / "online_retail.sqlfluff"
    config.write_text(
        "[sqlfluff:templater:dbt:context]\n" + "".join(f"{name} = {value}\n" for name, value in UCI_VARS.items())
    )
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "sqlfluff"), "lint", "models/staging/online_retail",
            "--config", str(config), "--disable-progress-bar", "--nocolor", "-v",
        ],
        cwd=PROJECT_DIR,
        env=dbt_env(tmp_path / "lint.duckdb", tmp_path),
        text=True,
        capture_output=True,
        check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-20000:] + result.stderr[-5000:]
    assert result.stdout.count("] PASS") == 5, result.stdout[-5000:]
