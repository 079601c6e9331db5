"""The benchmark's inputs and peers: dirty generator data take the quarantine paths, the CSV copy holds the
same rows as the Parquet, and the three peer implementations (pandas, lazy Polars, one plain DuckDB script)
equal the marts built by dbt on that data. No timing is asserted (the benchmark measures, tests check)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from conftest import Build
from segmentation import PROJECT_DIR
from segmentation.bench.compare import compare_peer_with_marts
from segmentation.bench.datasets import concatenate_csv, concatenate_parquet
from segmentation.generator.scale import ScaleOptions, generate_scale

LINES = 30_000


@pytest.fixture(scope="module")
def dirty_data(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, int]]:
    """A raw_data_path folder of dirty Parquet, one of the same rows as CSV, and the dirty-row counts."""
    root = tmp_path_factory.mktemp("dirty")
    generated = root / "generated"
    counts = generate_scale(
        ScaleOptions(lines=LINES, seed=7, dirty_share=0.02, csv=True, split_last_month=True),
        generated,
        progress=lambda _: None,
    )
    parquet, csv = root / "parquet", root / "csv"
    parquet.mkdir()
    csv.mkdir()
    concatenate_parquet(
        [generated / "transactions.parquet", generated / "transactions_last_month.parquet"],
        parquet / "transactions.parquet",
    )
    concatenate_csv(
        [generated / "transactions.csv", generated / "transactions_last_month.csv"], csv / "transactions.csv"
    )
    for name in ("customers.parquet", "products.parquet", "fx_rates.parquet"):
        shutil.copyfile(generated / name, parquet / name)
        shutil.copyfile(generated / name, csv / name)
    dirty = {name.removeprefix("dirty:"): rows for name, rows in counts.items() if name.startswith("dirty:")}
    return parquet, csv, dirty


@pytest.fixture(scope="module")
def marts(dirty_data: tuple[Path, Path, dict[str, int]], tmp_path_factory: pytest.TempPathFactory) -> Build:
    build = Build(tmp_path_factory.mktemp("marts"), {"raw_data_path": str(dirty_data[0])})
    build.dbt("run", "--select", "+fct_customer_months", "+fct_customer_snapshots", "rejected_transactions")
    return build


def test_generator_writes_every_dirty_kind_and_the_same_rows_as_csv(
    dirty_data: tuple[Path, Path, dict[str, int]],
) -> None:
    parquet, csv, dirty = dirty_data
    kinds = {"duplicate", "padded_ids", "bad_number", "bad_date", "unknown_currency", "zero_quantity"}
    kinds |= {"negative_price", "blank_customer", "malformed"}
    assert set(dirty) == kinds and all(count > 0 for count in dirty.values())
    assert 0.01 < sum(dirty.values()) / LINES < 0.03
    text = (csv / "transactions.csv").read_text()
    assert text.count(',"unexpected extra field"') == dirty["malformed"]
    assert text.count('"1,000"') == dirty["bad_number"]
    with duckdb.connect() as connection:
        rows = connection.execute(f"select count(*) from read_parquet('{parquet / 'transactions.parquet'}')").fetchone()
    assert rows == (LINES,)
    assert text.count("\n") == LINES + 1  # header + one record per line


def test_dirty_rows_take_the_quarantine_paths(dirty_data: tuple[Path, Path, dict[str, int]], marts: Build) -> None:
    dirty = dirty_data[2]
    reasons = dict(marts.query("select reason, count(*) from audit.rejected_transactions group by reason"))
    assert reasons["unknown_currency"] == dirty["unknown_currency"]
    assert reasons["zero_quantity"] == dirty["zero_quantity"]
    assert reasons["missing_customer"] == dirty["blank_customer"]
    assert reasons["invalid_date"] == dirty["bad_date"]
    assert reasons["invalid_number"] == dirty["bad_number"] + dirty["malformed"]
    # A negated free sample (price 0) is still a valid price; a copy of a rejected row is rejected for its reason.
    assert 0 < reasons["negative_price"] <= dirty["negative_price"]
    assert 0 < reasons["duplicate_line"] <= dirty["duplicate"]
    padded = marts.scalar("select count(*) from staging.stg_transactions where customer_id like ' %'")
    assert padded == 0


@pytest.mark.parametrize("peer", ["pandas_peer", "polars_peer", "duckdb_script_peer"])
def test_peer_equals_the_marts(
    peer: str, dirty_data: tuple[Path, Path, dict[str, int]], marts: Build, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    command = [sys.executable, "-m", f"segmentation.bench.{peer}", str(dirty_data[0]), str(out)]
    subprocess.run(command, cwd=PROJECT_DIR, check=True, capture_output=True)
    comparison = compare_peer_with_marts(out, marts.database)
    assert comparison.equal, comparison.summary()
    assert comparison.rows["fct_customer_snapshots"] > 0
