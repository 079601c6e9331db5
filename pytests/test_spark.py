"""The project on Spark (`--target spark`): the standalone cluster of `make spark-up` on 127.0.0.1.

What runs here (one dbt build on Spark: about 12-14 minutes on the shared 2-core box):

- `dbt build --target spark` on the demo seeds: every seed, model, data test and unit test passes (the same
  nodes and warnings as on DuckDB), and every mart equals the DuckDB build of the same seeds (money within
  0.01, ratios within 1e-9, the rest exact; pytests/engine_check.py), and so do the quarantine counts.

The embedded Derby metastore takes one JVM at a time, so the test process never opens a Spark session of
its own: it reads the Parquet files of the tables dbt-spark wrote with DuckDB (spark_build.SparkBuild),
copied into a DuckDB file as soon as the build ends (a later build on the same metastore, e.g. a
`source: warehouse` build on the seed tables, would overwrite them).

The cluster must be running (`.ci/run` starts it: `eval "$(make -s spark-up)"`); without one these tests
fail naming the command, they do not skip. The errors that need no cluster: test_spark_errors.py.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from conftest import Build
from engine_check import assert_marts_equal
from segmentation.engines import spark
from spark_build import SparkBuild


def run_results(work_dir: Path) -> list[dict[str, Any]]:
    return json.loads((work_dir / "target" / "run_results.json").read_text())["results"]


def statuses(results: list[dict[str, Any]]) -> Counter:
    return Counter(result["status"] for result in results)


def kinds(results: list[dict[str, Any]]) -> Counter:
    return Counter(result["unique_id"].split(".")[0] for result in results)


@pytest.fixture(scope="session")
def spark_cluster() -> spark.ClusterSettings:
    settings = spark.ClusterSettings.from_env()
    if not spark.is_running(settings):
        pytest.fail(
            f"The Spark tests need the project's standalone Spark cluster at {settings.master_url} (a master "
            'with a worker), which is not running. Start it with `eval "$(make -s spark-up)"` (.ci/run does) '
            "and run the tests again; `make spark-down` stops it.",
            pytrace=False,
        )
    return settings


def build_on_spark(build: SparkBuild, *args: str) -> dict[str, Any]:
    """Run dbt on Spark; the run's results, elapsed seconds and a DuckDB copy of its marts."""
    started = time.monotonic()
    result = build.dbt(*args, check=False)
    elapsed = time.monotonic() - started
    results_file = build.work_dir / "target" / "run_results.json"
    if result.returncode != 0 and not results_file.exists():
        raise RuntimeError(f"`dbt {' '.join(args)}` on Spark did not run:\n{(result.stdout + result.stderr)[-6000:]}")
    return {"results": run_results(build.work_dir), "elapsed": elapsed, "output": result.stdout + result.stderr}


@pytest.fixture(scope="session")
def spark_build(tmp_path_factory: pytest.TempPathFactory, spark_cluster: spark.ClusterSettings) -> SparkBuild:
    """The metastore and table folder of the Spark build (one dbt process at a time on it)."""
    return SparkBuild(tmp_path_factory.mktemp("spark") / "build")


@pytest.fixture(scope="session")
def spark_demo(spark_build: SparkBuild) -> dict[str, Any]:
    """`dbt build --target spark` on the demo seeds; its marts copied into a DuckDB file when it ends."""
    demo = build_on_spark(spark_build, "build")
    demo["marts"] = spark_build.snapshot(spark_build.work_dir.parent / "demo_marts")
    return demo


def failures(results: list[dict[str, Any]]) -> list[str]:
    return [
        f"{result['unique_id']}: {result['status']} {(result.get('message') or '')[:300]}"
        for result in results
        if result["status"] not in ("success", "pass", "warn", "no-op")
    ]


def test_demo_build_passes_every_test(spark_demo: dict[str, Any], demo_build: Build) -> None:
    results = spark_demo["results"]
    assert not failures(results), "\n".join(failures(results))
    duckdb_results = run_results(demo_build.work_dir)
    node_kinds = kinds(results)
    assert node_kinds["seed"] == 5 and node_kinds["model"] > 30, node_kinds
    assert node_kinds["test"] > 100 and node_kinds["unit_test"] > 10, node_kinds
    # the nodes of the DuckDB build but the SPEC §10 CLV ones (dbt Python models and what reads them:
    # DuckDB only, macro clv_models_enabled), and the same warnings (customers / products missing from the
    # references)
    spark_nodes = {result["unique_id"] for result in results}
    duckdb_nodes = {result["unique_id"] for result in duckdb_results}
    assert spark_nodes <= duckdb_nodes, sorted(spark_nodes - duckdb_nodes)
    assert all("clv" in node for node in duckdb_nodes - spark_nodes), sorted(duckdb_nodes - spark_nodes)
    assert statuses(results)["warn"] == statuses(duckdb_results)["warn"]
    print(f"spark demo build: {sum(node_kinds.values())} nodes {dict(node_kinds)} in {spark_demo['elapsed']:.0f} s")


def test_marts_equal_duckdb(spark_demo: dict[str, Any], demo_build: Build) -> None:
    counts = assert_marts_equal(spark_demo["marts"], demo_build, "spark")
    assert counts["fct_transactions"] > 30000 and counts["fct_customer_snapshots"] > 1000, counts


def test_quarantine_equals_duckdb(spark_demo: dict[str, Any], demo_build: Build) -> None:
    sql = "select reason, count(*) from audit.rejected_transactions group by reason order by reason"
    assert spark_demo["marts"].query(sql) == demo_build.query(sql)
