"""The project on Spark (`--target spark`): the standalone cluster of `make spark-up` on 127.0.0.1.

What runs here (four dbt processes on Spark, one at a time; on the shared 2-core box the demo build takes
12-14 min at load 5-6, the warehouse registration, history build and incremental run 5 + 16.5 + 19.7 min
at load 13-22):

- `dbt build --target spark` on the demo seeds: every seed, model, data test and unit test passes (the same
  nodes and warnings as on DuckDB), and every mart equals the DuckDB build of the same seeds (money within
  0.01, ratios within 1e-9, the rest exact; pytests/engine_check.py), and so do the quarantine counts.
- `source: warehouse` on typed tables: the demo seeds as Parquet files written by DuckDB (BIGINT line
  numbers, TIMESTAMP invoice dates, DOUBLE quantities, DECIMAL prices and rates, DATE months, BOOLEAN
  is_core), the transactions without the last two months. `dbt run-operation register_parquet_tables`
  registers the four folders as
  tables of schema raw in the build's metastore; every model (and the reference seed) is built on them and
  equals DuckDB's build of the same rows (fct_transactions row for row: positions are ranks, the same on
  every engine); then the last two months' file is added to raw.transactions' folder and an incremental
  `dbt run` gives the marts of DuckDB's full build of all rows, through `insert overwrite` of the
  revenue_month partitions from the cutoff on (the earlier partitions keep their files).

The embedded Derby metastore takes one JVM at a time, so the test process never opens a Spark session of
its own: it reads the Parquet files of the tables dbt-spark wrote with DuckDB (spark_build.SparkBuild),
copied into a DuckDB file as soon as a build ends (a later run on the same tables, the incremental one,
overwrites them). The demo and the warehouse builds have a metastore each.

The cluster must be running (`.ci/run` starts it: `eval "$(make -s spark-up)"`); without one these tests
fail naming the command, they do not skip. The errors that need no cluster: test_spark_errors.py.
"""

from __future__ import annotations

import json
import shutil
import time
from collections import Counter
from pathlib import Path
from typing import Any

import duckdb
import pytest

from conftest import Build
from engine_check import RAW_TABLES, SEEDS, TYPED_TRANSACTIONS_COLUMNS, assert_marts_equal
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


# --- source: warehouse: typed Parquet tables in schema raw; history, then two months appended -----------

#: The demo transactions from this date on (the last two months) are appended to raw.transactions after
#: the history build.
APPENDED_FROM = "2025-11-01"
#: The month-grain incremental models (macros/incremental/): insert_overwrite of revenue_month partitions.
MONTH_GRAIN_MODELS = (
    "int_customer_invoice_months",
    "int_customer_key_months",
    "int_customer_months_aggregated",
    "int_customer_months_categorized",
    "fct_transactions",
)
#: What the warehouse builds run: every model and the reference seed (segment_playbook), no data tests (the
#: demo build above runs every data test and unit test on Spark).
MODELS_AND_REFERENCE_SEED = ("--resource-type", "model", "--resource-type", "seed", "--exclude", "path:seeds/demo")

#: The demo seeds as typed tables, what a warehouse would hold (the typed-column path of SPEC §1 for tables,
#: as in test_warehouse_source.py): a demo value its type cannot hold (`1,000`, `2025-02-30`) becomes null,
#: and staging rejects it.
TYPED_RAW = {
    "transactions": f"select {TYPED_TRANSACTIONS_COLUMNS} from text_transactions",
    "customers": """
        select customer_id, company_name, industry, country, try_cast(employee_count as bigint) as employee_count
        from text_customers
    """,
    "products": """
        select product_id, product_name, product_line, try_cast(is_core as boolean) as is_core
        from text_products
    """,
    "fx_rates": """
        select
            try_cast(month as date) as month,
            currency,
            try_cast(rate_to_reporting as decimal(18, 6)) as rate_to_reporting
        from text_fx_rates
    """,
}


def write_raw_parquet(folder: Path) -> dict[str, Path]:
    """The demo seeds as typed Parquet files written by DuckDB, a folder per raw table (transactions: the
    history only), and `appended`: the transactions from APPENDED_FROM on, appended later."""
    files = {entity: folder / entity / f"{entity}.parquet" for entity in RAW_TABLES}
    files["appended"] = folder / "appended" / "appended.parquet"
    selects = {entity: f"select * from {entity}" for entity in RAW_TABLES}
    selects["transactions"] = f"select * from transactions where coalesce(invoiced_at < '{APPENDED_FROM}', true)"
    selects["appended"] = f"select * from transactions where invoiced_at >= '{APPENDED_FROM}'"
    with duckdb.connect() as connection:
        for entity in RAW_TABLES:
            # text first, typed in a second step: DuckDB pushes a try_cast on a CSV column into its reader
            connection.execute(
                f"create table text_{entity} as select * from read_csv(?, header = true, all_varchar = true)",
                [str(SEEDS / f"raw_{entity}.csv")],
            )
            connection.execute(f"create table {entity} as {TYPED_RAW[entity]}")
        for name, path in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            connection.execute(f"copy ({selects[name]}) to '{path}' (format parquet)")
    return files


def duckdb_warehouse_build(work_dir: Path, transactions: list[Path], files: dict[str, Path]) -> Build:
    """DuckDB, `source: warehouse`, on the same Parquet rows as tables raw.<entity> (the reference)."""
    work_dir.mkdir(parents=True, exist_ok=True)
    build = Build(work_dir, {"source": "warehouse"})
    with duckdb.connect(str(build.database)) as connection:
        connection.execute("create schema raw")
        for entity in RAW_TABLES:
            paths = [str(path) for path in transactions] if entity == "transactions" else [str(files[entity])]
            connection.execute(f"create table raw.{entity} as select * from read_parquet(?)", [paths])
    build.dbt("build", *MODELS_AND_REFERENCE_SEED)
    return build


def partition_files(build: SparkBuild, table: str) -> dict[str, set[tuple[str, int]]]:
    """revenue_month partition -> its data files (name, modification time) of a Spark table."""
    (folder,) = [path for (schema, name), path in build.tables().items() if name == table]
    return {
        partition.name.split("=", 1)[1]: {(file.name, file.stat().st_mtime_ns) for file in partition.glob("*.parquet")}
        for partition in folder.iterdir()
        if partition.is_dir() and partition.name.startswith("revenue_month=")
    }


def compiled_run_sql(build: SparkBuild, model: str) -> str:
    (path,) = (build.work_dir / "target" / "run").rglob(f"{model}.sql")
    return path.read_text()


@pytest.fixture(scope="session")
def spark_warehouse(tmp_path_factory: pytest.TempPathFactory, spark_cluster: spark.ClusterSettings) -> dict[str, Any]:
    """Spark, `source: warehouse`, on typed Parquet tables of schema raw registered in the build's metastore:
    the registration, a build of every model on the history, then
    the last two months' file added to raw.transactions and an incremental `dbt run`. Each step's results,
    elapsed seconds and (history, incremental) a DuckDB copy of the tables and the partition files of the
    month-grain incremental models."""
    root = tmp_path_factory.mktemp("spark_warehouse")
    files = write_raw_parquet(root / "raw")
    build = SparkBuild(root / "build", {"source": "warehouse"})
    build.work_dir.mkdir()
    steps: dict[str, dict[str, Any]] = {}
    tables = {entity: str(files[entity].parent) for entity in RAW_TABLES}
    steps["register"] = build_on_spark(
        build, "run-operation", "register_parquet_tables", "--args", json.dumps({"schema": "raw", "tables": tables})
    )
    assert steps["register"]["output"].count("register_parquet_tables: raw.") == 4, steps["register"]["output"][-3000:]
    steps["history"] = build_on_spark(build, "build", *MODELS_AND_REFERENCE_SEED)
    steps["history"]["marts"] = build.snapshot(root / "history_marts")
    steps["history"]["partitions"] = {model: partition_files(build, model) for model in MONTH_GRAIN_MODELS}
    # the user's pipeline appends a file to the table's folder
    shutil.copy(files["appended"], files["transactions"].parent / "appended.parquet")
    steps["incremental"] = build_on_spark(build, "run")
    steps["incremental"]["sql"] = {model: compiled_run_sql(build, model) for model in MONTH_GRAIN_MODELS}
    steps["incremental"]["marts"] = build.snapshot(root / "incremental_marts")
    steps["incremental"]["partitions"] = {model: partition_files(build, model) for model in MONTH_GRAIN_MODELS}
    print("spark source: warehouse: " + ", ".join(f"{name} {step['elapsed']:.0f} s" for name, step in steps.items()))
    return {"files": files, "steps": steps}


def test_warehouse_history_build_equals_duckdb(
    spark_warehouse: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Every model on the typed warehouse tables (the history) gives the marts of DuckDB on the same rows,
    fct_transactions by transaction_key (SPEC §1: the same rows give the same positions on every engine)."""
    files, step = spark_warehouse["files"], spark_warehouse["steps"]["history"]
    assert not failures(step["results"]), "\n".join(failures(step["results"]))
    node_kinds = kinds(step["results"])
    assert node_kinds["model"] > 30 and node_kinds["seed"] == 1 and node_kinds["test"] == 0, node_kinds
    duckdb_history = duckdb_warehouse_build(
        tmp_path_factory.mktemp("duckdb_warehouse_history"), [files["transactions"]], files
    )
    counts = assert_marts_equal(step["marts"], duckdb_history, "spark (source: warehouse, history)")
    assert counts["fct_transactions"] > 25000, counts
    for sql in (
        "select reason, count(*) from audit.rejected_transactions group by all order by all",
        "select source_file, count(*), min(source_row_number), max(source_row_number) "
        "from staging.stg_transactions_validated group by all",
    ):
        assert step["marts"].query(sql) == duckdb_history.query(sql), sql


def test_warehouse_incremental_equals_full_refresh(
    spark_warehouse: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> None:
    """After the last two months are appended to raw.transactions, an incremental `dbt run` gives the marts
    of a full build on all rows (DuckDB on the same tables), and it ran as one: the month-grain models'
    statement is an `insert overwrite` of revenue_month partitions, and the partitions before the lookback
    window were left as they were."""
    files, history, step = (
        spark_warehouse["files"],
        spark_warehouse["steps"]["history"],
        spark_warehouse["steps"]["incremental"],
    )
    assert not failures(step["results"]), "\n".join(failures(step["results"]))
    duckdb_full = duckdb_warehouse_build(
        tmp_path_factory.mktemp("duckdb_warehouse_full"), [files["transactions"], files["appended"]], files
    )
    counts = assert_marts_equal(step["marts"], duckdb_full, "spark (source: warehouse, incremental)")
    assert counts["fct_transactions"] > history["marts"].scalar("select count(*) from marts.fct_transactions"), counts
    sql = "select reason, count(*) from audit.rejected_transactions group by all order by all"
    assert step["marts"].query(sql) == duckdb_full.query(sql)
    # Incremental: an `insert overwrite` of the months from the cutoff, the history's last month minus the
    # lookback (1 month); the partitions before it keep their files. fct_transactions stores row positions,
    # ranks on a warehouse table (SPEC §1): the appended credit notes (CN-...) rank before the history's
    # invoices (INV-...), so the stored positions moved and fct_transactions re-processes every month from
    # the first one with a moved line (macro incremental_first_moved_month).
    cutoff = "2025-09-01"
    lines = "select transaction_key, invoice_id, line_number, product_id, revenue_month from marts.fct_transactions"
    kept = set(step["marts"].query(lines))
    moved = min(str(row[4]) for row in history["marts"].query(lines) if row not in kept)
    assert moved < cutoff, moved
    for model in MONTH_GRAIN_MODELS:
        assert "insert overwrite" in step["sql"][model].lower(), (model, step["sql"][model][:500])
        before, after = history["partitions"][model], step["partitions"][model]
        assert set(before) <= set(after) and max(after) > max(before), (model, sorted(before), sorted(after))
        untouched = {month for month in before if before[month] == after[month]}
        first = min(cutoff, moved) if model == "fct_transactions" else cutoff
        assert untouched == {month for month in before if month < first}, (model, first, sorted(untouched))
