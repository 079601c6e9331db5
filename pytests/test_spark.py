"""The project on Spark (`--target spark`): the standalone cluster of `make spark-up` on 127.0.0.1.

What runs here (about 10 minutes on a loaded 2-core box; Spark pays a JVM start and a metastore round
trip per statement):

- the demo seeds loaded by the project's Spark seed loader equal the DuckDB seeds cell for cell (blank
  cells null, not dbt-spark's text 'None'), and their SPEC §1 row positions are the file's;
- a typed Parquet folder under `raw_data_path`, read by Spark's own reader, gives the raw rows and row
  positions DuckDB gives for the same file.

The cluster: when one is running (`.ci/run` and `make spark-up` start it) the tests use it; otherwise the
module starts one and stops it at the end. No cluster running: test_spark_errors.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest

from conftest import Build
from segmentation import PROJECT_DIR
from segmentation.engines import spark
from spark_build import SparkBuild, SparkReader

RAW_COLUMNS = {
    "transactions": [
        "invoice_id",
        "line_number",
        "customer_id",
        "invoiced_at",
        "product_id",
        "quantity",
        "unit_price",
        "currency",
    ],
    "customers": ["customer_id", "company_name", "industry", "country", "employee_count"],
    "products": ["product_id", "product_name", "product_line", "is_core"],
    "fx_rates": ["month", "currency", "rate_to_reporting"],
}


@pytest.fixture(scope="module")
def spark_cluster() -> Iterator[spark.ClusterSettings]:
    """The running cluster, or one started for this module (and stopped after it)."""
    settings = spark.ClusterSettings.from_env()
    started = False
    if not spark.is_running(settings):
        started = spark.up(settings)
    try:
        yield settings
    finally:
        if started:
            spark.down(settings)


def typed_parquet_folder(folder: Path) -> Path:
    """The demo transactions and customers as Parquet, line_number typed as an integer (blank or not an
    integer: null), the other columns text as in the seed file."""
    folder.mkdir(parents=True, exist_ok=True)
    for entity in ("transactions", "customers"):
        names = RAW_COLUMNS[entity]
        table = pa_csv.read_csv(
            PROJECT_DIR / "seeds" / "demo" / f"raw_{entity}.csv",
            convert_options=pa_csv.ConvertOptions(column_types=dict.fromkeys(names, pa.string())),
        )
        if entity == "transactions":
            import pyarrow.compute as pc

            digits = pc.match_substring_regex(table["line_number"], r"^[0-9]+$")
            typed = pc.cast(pc.if_else(digits, table["line_number"], None), pa.int64())
            table = table.set_column(names.index("line_number"), "line_number", typed)
        pq.write_table(table, folder / f"{entity}.parquet", row_group_size=4000)
    return folder


@pytest.fixture(scope="module")
def spark_builds(
    tmp_path_factory: pytest.TempPathFactory, spark_cluster: spark.ClusterSettings
) -> Iterator[dict[str, Any]]:
    """The seeds and the canonical raw views on them, then (another metastore) the raw views on a typed
    Parquet folder (raw_data_path); the views read back through a Spark session after each dbt run."""
    work = tmp_path_factory.mktemp("spark")
    parquet = typed_parquet_folder(work / "parquet")
    build = SparkBuild(work / "build")
    views = "stg_canonical__transactions stg_canonical__customers"
    build.dbt("build", "--select", f"resource_type:seed {views}", "--indirect-selection", "cautious")
    reader = SparkReader(build)
    seeded = {
        "positions": reader.query(
            "select source_row_number, invoice_id, line_number, customer_id, invoiced_at, product_id, quantity, "
            "unit_price, currency from staging.stg_canonical__transactions"
        ),
    }
    reader.close()
    # its own metastore: the test process's JVM keeps the first one's embedded Derby database open
    parquet_build = SparkBuild(work / "parquet_build", {"raw_data_path": str(parquet)})
    parquet_build.dbt("run", "--select", views)
    reader = SparkReader(parquet_build)
    from_parquet = {
        entity: reader.query(
            f"select source_row_number, {', '.join(RAW_COLUMNS[entity])} from staging.stg_canonical__{entity}"
        )
        for entity in ("transactions", "customers")
    }
    reader.close()
    yield {"build": build, "seeded": seeded, "parquet": from_parquet, "parquet_folder": parquet}


def blank_is_null(value: Any) -> Any:
    """SPEC §1: blank (empty or whitespace only) means null; compare raw cells in that form."""
    if isinstance(value, str) and not value.strip():
        return None
    return value


def keyed(rows: list[tuple]) -> dict[int, tuple]:
    return {int(row[0]): tuple(blank_is_null(value) for value in row[1:]) for row in rows}


def test_seeds_equal_duckdb_cell_for_cell(spark_builds: dict[str, Any], demo_build: Build) -> None:
    build: SparkBuild = spark_builds["build"]
    for entity, columns in RAW_COLUMNS.items():
        sql = f"select {', '.join(columns)} from raw.raw_{entity}"
        spark_rows = sorted(build.query(sql), key=repr)
        duckdb_rows = sorted(demo_build.query(sql), key=repr)
        assert len(spark_rows) == len(duckdb_rows) > 0, entity
        assert spark_rows == duckdb_rows, f"raw_{entity}: seeds differ from DuckDB's"
    # dbt-spark's own session loader would have written blank cells as the text 'None'
    nones = build.query("select count(*) from raw.raw_transactions where currency = 'None' or line_number = 'None'")
    assert nones == [(0,)]
    assert build.query("select count(*) from raw.raw_transactions where currency is null") == demo_build.query(
        "select count(*) from raw.raw_transactions where currency is null"
    )


def test_seed_row_positions_are_the_files(spark_builds: dict[str, Any], demo_build: Build) -> None:
    got = keyed(spark_builds["seeded"]["positions"])
    want = keyed(
        demo_build.query(
            "select source_row_number, invoice_id, line_number, customer_id, invoiced_at, product_id, quantity, "
            "unit_price, currency from staging.stg_canonical__transactions"
        )
    )
    assert len(got) == len(want) > 30000
    assert got == want


def test_parquet_raw_data_path_read_by_spark_equals_duckdb(spark_builds: dict[str, Any], tmp_path: Path) -> None:
    duckdb_build = Build(tmp_path, {"raw_data_path": str(spark_builds["parquet_folder"])})
    duckdb_build.dbt("run", "--select", "stg_canonical__transactions stg_canonical__customers")
    for entity in ("transactions", "customers"):
        want = keyed(
            duckdb_build.query(
                f"select source_row_number, {', '.join(RAW_COLUMNS[entity])} from staging.stg_canonical__{entity}"
            )
        )
        got = keyed(spark_builds["parquet"][entity])
        assert len(got) == len(want) > 0, entity
        differences = [(row, got.get(row), want[row]) for row in want if got.get(row) != want[row]]
        assert not differences, f"{entity}: {len(differences)} rows differ, e.g. {differences[:3]}"
