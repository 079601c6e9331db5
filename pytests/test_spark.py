"""The project on Spark (`--target spark`): the standalone cluster of `make spark-up` on 127.0.0.1.

One build of the demo seeds (seeds, every model, data test and unit test) is shared by the tests of
this module: every mart equals the DuckDB build of the same seeds (money within 0.01, ratios within 1e-9,
the rest exact), the quarantine holds the same rows, and an incremental run over the built tables gives
the same marts as the full build. Bad input gets a clear error: no cluster running names the target and
`make spark-up`; a CSV under raw_data_path on Spark names the file and what to do.

The cluster: when one is running (`.ci/run` and `make spark-up` start it) the tests use it; otherwise the
module starts one and stops it at the end. Cost: one full Spark build plus one incremental run (see the
README's "what runs where").
"""

from __future__ import annotations

import json
import socket
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import Build
from segmentation.dbt_runner import run_dbt
from segmentation.engines import spark
from spark_build import SparkBuild

MART_TABLES = [
    "fct_transactions",
    "fct_customer_months",
    "fct_customer_snapshots",
    "dim_customers",
    "mart_monthly_revenue",
    "mart_segment_summary",
    "mart_cohort_retention",
    "mart_segment_migration",
    "dim_segment_playbook",
]


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


@pytest.fixture(scope="module")
def spark_demo_build(tmp_path_factory: pytest.TempPathFactory, spark_cluster: spark.ClusterSettings) -> SparkBuild:
    """`dbt build --target spark` on the demo seeds, once per module."""
    build = SparkBuild(tmp_path_factory.mktemp("spark_demo"))
    build.last_result = build.dbt("build")  # type: ignore[attr-defined]
    return build


def run_results(build: Build) -> list[dict]:
    return json.loads((build.work_dir / "target" / "run_results.json").read_text())["results"]


def mart_rows(build: Build, table: str) -> list[tuple]:
    return sorted(build.query(f"select * from marts.{table}"), key=repr)


def test_demo_build_passes_every_test(spark_demo_build: SparkBuild, demo_build: Build) -> None:
    results = run_results(spark_demo_build)
    counts = Counter(result["status"] for result in results)
    assert counts["error"] == 0 and counts["fail"] == 0 and counts["skipped"] == 0, counts
    kinds = Counter(result["unique_id"].split(".")[0] for result in results)
    assert kinds["unit_test"] > 0 and kinds["test"] > 0 and kinds["model"] > 0 and kinds["seed"] > 0, kinds
    duckdb_results = run_results(demo_build)
    # the same nodes as on DuckDB, and the same warnings (customers / products missing from the references)
    assert kinds == Counter(result["unique_id"].split(".")[0] for result in duckdb_results)
    assert counts["warn"] == Counter(result["status"] for result in duckdb_results)["warn"]


def test_marts_equal_duckdb(spark_demo_build: SparkBuild, demo_build: Build) -> None:
    from engine_check import assert_marts_equal

    counts = assert_marts_equal(spark_demo_build, demo_build, "spark")
    assert counts["fct_transactions"] > 30000 and counts["fct_customer_snapshots"] > 1000, counts


def test_quarantine_equals_duckdb(spark_demo_build: SparkBuild, demo_build: Build) -> None:
    sql = (
        "select reason, source_row_number, invoice_id, quantity from audit.rejected_transactions "
        "order by reason, source_row_number"
    )
    assert spark_demo_build.query(sql) == demo_build.query(sql)


def test_seed_blank_cells_are_null(spark_demo_build: SparkBuild, demo_build: Build) -> None:
    """dbt-spark's own session loader writes a blank cell as the text 'None'; the project's loader does not."""
    sql = "select count(*) from raw.raw_transactions where currency is null or currency = 'None'"
    assert spark_demo_build.query(sql) == demo_build.query(sql)
    assert spark_demo_build.query("select count(*) from raw.raw_customers where industry = 'None'") == [(0,)]


def test_incremental_run_equals_full_build(spark_demo_build: SparkBuild) -> None:
    """A second run over the built tables (incremental models take their incremental path) keeps the marts."""
    before = {table: mart_rows(spark_demo_build, table) for table in MART_TABLES}
    spark_demo_build.dbt("run", "--exclude", "resource_type:seed")
    after = {table: mart_rows(spark_demo_build, table) for table in MART_TABLES}
    for table in MART_TABLES:
        assert after[table] == before[table], f"{table} changed on an incremental run"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_no_cluster_running_names_the_target_and_the_command(tmp_path: Path) -> None:
    env = {"SPARK_MASTER_URL": f"spark://127.0.0.1:{free_port()}", "DBT_TARGET": "spark"}
    with pytest.raises(RuntimeError) as error:
        run_dbt(["build"], tmp_path / "unused.duckdb", work_dir=tmp_path, extra_env=env)
    message = str(error.value)
    assert "spark" in message and "make spark-up" in message, message
    assert "Traceback" not in message and "py4j" not in message, message
