"""The project on PostgreSQL (`--target postgres`): a cluster of the test session on 127.0.0.1.

The demo seeds build with every data test and unit test passing, and every mart equals the DuckDB build
of the same seeds (money within 0.01, ratios within 1e-9, the rest exact). The same seeds as warehouse
tables (`source: warehouse`, schema raw) give the marts of the DuckDB build of the same tables. Bad input
gets a clear error: an unknown target names the valid ones, a server that is not running names the command
that starts it, a missing raw table is named. An incremental build after the last two months are appended
to raw.transactions equals the full build. Three PostgreSQL builds in all (demo, warehouse tables, incremental).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from conftest import Build, PostgresBuild
from engine_check import RAW_TABLES, SEEDS, assert_marts_equal, load_duckdb_raw_tables
from segmentation import PROJECT_DIR
from segmentation.dbt_runner import run_dbt


def statuses(build: Build) -> Counter:
    results = json.loads((build.work_dir / "target" / "run_results.json").read_text())["results"]
    return Counter(result["status"] for result in results)


def kinds(build: Build) -> Counter:
    results = json.loads((build.work_dir / "target" / "run_results.json").read_text())["results"]
    return Counter(result["unique_id"].split(".")[0] for result in results)


def test_demo_build_passes_every_test(postgres_demo_build: PostgresBuild, demo_build: Build) -> None:
    counts = statuses(postgres_demo_build)
    assert counts["error"] == 0 and counts["fail"] == 0 and counts["skipped"] == 0, counts
    node_kinds = kinds(postgres_demo_build)
    assert node_kinds["unit_test"] > 0 and node_kinds["test"] > 0 and node_kinds["model"] > 0, node_kinds
    # the same nodes as on DuckDB but the CLV fit (dbt Python models: DuckDB only) and its tests, and the same
    # warnings (customers / products missing from the references)
    demo_results = run_results(demo_build)
    postgres_ids = {result["unique_id"] for result in run_results(postgres_demo_build)}
    duckdb_ids = {result["unique_id"] for result in demo_results}
    assert postgres_ids <= duckdb_ids, sorted(postgres_ids - duckdb_ids)
    assert all("clv" in unique_id for unique_id in duckdb_ids - postgres_ids), sorted(duckdb_ids - postgres_ids)
    assert counts["warn"] == Counter(result["status"] for result in demo_results)["warn"]


def run_results(build: Build) -> list[dict]:
    path = build.work_dir / "target" / "run_results.json"
    return json.loads(path.read_text())["results"]


def test_marts_equal_duckdb(postgres_demo_build: PostgresBuild, demo_build: Build) -> None:
    counts = assert_marts_equal(postgres_demo_build, demo_build, "postgres")
    assert counts["fct_transactions"] > 30000 and counts["fct_customer_snapshots"] > 1000, counts


def test_quarantine_equals_duckdb(postgres_demo_build: PostgresBuild, demo_build: Build) -> None:
    sql = "select reason, count(*) from audit.rejected_transactions group by reason order by reason"
    assert postgres_demo_build.query(sql) == demo_build.query(sql)


def test_unknown_target_names_the_valid_ones(tmp_path: Path) -> None:
    result = run_dbt(["build", "--target", "nosuch"], tmp_path / "w.duckdb", work_dir=tmp_path, check=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "nosuch" in output and "duckdb" in output and "postgres" in output, output[-2000:]
    assert "Traceback" not in output


def test_server_not_running_names_the_command(tmp_path: Path) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens there once the probe is closed
    env = {"PGPORT": str(port), "PATH": "/usr/bin:/bin"}
    status = subprocess.run(
        [sys.executable, "-m", "segmentation.cli", "postgres", "status"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert status.returncode == 1
    assert f"127.0.0.1:{port}" in status.stderr and "make -s postgres-up" in status.stderr, status.stderr
    assert "Traceback" not in status.stderr
    # dbt itself (through the project's runner, as the CLI and the tests call it) fails before connecting
    with pytest.raises(RuntimeError) as error:
        run_dbt(
            ["build", "--target", "postgres"],
            tmp_path / "w.duckdb",
            work_dir=tmp_path,
            extra_env={"PGHOST": "127.0.0.1", "PGPORT": str(port)},
        )
    assert f"127.0.0.1:{port}" in str(error.value) and "make -s postgres-up" in str(error.value)


# --- raw input as warehouse tables (var source: warehouse) -------------------------------------------

APPENDED_MONTHS = ("2025-11", "2025-12")


def seed_header(entity: str) -> list[str]:
    with (SEEDS / f"raw_{entity}.csv").open(encoding="utf-8") as handle:
        return handle.readline().strip().split(",")


def load_postgres_raw(build: PostgresBuild, entity: str, rows: list[list[str]] | None = None) -> None:
    """Create raw.<entity> (text columns) from the demo seed file, or append `rows` to it."""
    from segmentation.engines import postgres

    header = seed_header(entity)
    connection = postgres.connect(build.server, build.name)
    try:
        with connection, connection.cursor() as cursor:
            if rows is None:
                cursor.execute("create schema if not exists raw")
                cursor.execute(f"create table raw.{entity} ({', '.join(f'{name} text' for name in header)})")
                with (SEEDS / f"raw_{entity}.csv").open(encoding="utf-8") as handle:
                    cursor.copy_expert(f"copy raw.{entity} from stdin with (format csv, header true)", handle)
            else:
                placeholders = ", ".join(["%s"] * len(header))
                cursor.executemany(
                    f"insert into raw.{entity} values ({placeholders})",
                    [[value if value != "" else None for value in row] for row in rows],
                )
    finally:
        connection.close()


def seed_rows(entity: str) -> list[list[str]]:
    import csv

    with (SEEDS / f"raw_{entity}.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))[1:]


def split_transactions() -> tuple[list[list[str]], list[list[str]]]:
    """The demo transactions rows: (history, the rows of the last two months)."""
    rows = seed_rows("transactions")
    appended = [row for row in rows if row[3].strip()[:7] in APPENDED_MONTHS]
    history = [row for row in rows if row[3].strip()[:7] not in APPENDED_MONTHS]
    assert appended and history
    return history, appended


@pytest.fixture(scope="module")
def postgres_warehouse_build(tmp_path_factory: pytest.TempPathFactory, postgres_server: Any) -> PostgresBuild:
    """The demo seeds as text tables raw.<entity>, one full `dbt build` with `source: warehouse`."""
    build = PostgresBuild(tmp_path_factory.mktemp("pg_warehouse"), postgres_server, "warehouse_input")
    for entity in RAW_TABLES:
        load_postgres_raw(build, entity)
    build.dbt_vars = {"source": "warehouse"}
    build.dbt("build")
    return build


@pytest.fixture(scope="module")
def duckdb_warehouse_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    build = Build(tmp_path_factory.mktemp("duckdb_warehouse"), {"source": "warehouse"})
    load_duckdb_raw_tables(build.database)
    build.dbt("build")
    return build


def test_warehouse_tables_marts_equal_duckdb(
    postgres_warehouse_build: PostgresBuild, duckdb_warehouse_build: Build
) -> None:
    counts = assert_marts_equal(postgres_warehouse_build, duckdb_warehouse_build, "postgres (source: warehouse)")
    assert counts["fct_transactions"] > 30000, counts
    sql = (
        "select source_file, count(*), min(source_row_number), max(source_row_number)"
        " from staging.stg_transactions group by source_file"
    )
    assert postgres_warehouse_build.query(sql) == duckdb_warehouse_build.query(sql)
    sql = "select reason, count(*) from audit.rejected_transactions group by reason order by reason"
    assert postgres_warehouse_build.query(sql) == duckdb_warehouse_build.query(sql)
    results = run_results(postgres_warehouse_build)
    bad = [(r["unique_id"], r["status"]) for r in results if r["status"] not in ("success", "pass", "warn", "no-op")]
    assert not bad, bad


def test_warehouse_incremental_equals_full_refresh(
    tmp_path_factory: pytest.TempPathFactory, postgres_server: Any, postgres_warehouse_build: PostgresBuild
) -> None:
    """History first, then the last two months appended to raw.transactions: an incremental build gives the
    marts of the full build on all rows."""
    from segmentation.engines import postgres

    build = PostgresBuild(tmp_path_factory.mktemp("pg_incremental"), postgres_server, "incremental_input")
    for entity in RAW_TABLES[1:]:
        load_postgres_raw(build, entity)
    connection = postgres.connect(build.server, build.name)
    with connection, connection.cursor() as cursor:
        cursor.execute("create schema if not exists raw")
        cursor.execute(f"create table raw.transactions ({', '.join(f'{n} text' for n in seed_header('transactions'))})")
    connection.close()
    history, appended = split_transactions()
    load_postgres_raw(build, "transactions", history)
    build.dbt_vars = {"source": "warehouse"}
    build.dbt("build")
    load_postgres_raw(build, "transactions", appended)
    build.dbt("build")
    results = run_results(build)
    assert all(result["status"] in ("success", "pass", "warn", "no-op") for result in results)
    assert_marts_equal(build, postgres_warehouse_build, "postgres incremental")


def test_missing_source_table_names_it(tmp_path: Path, postgres_server: Any) -> None:
    build = PostgresBuild(tmp_path, postgres_server, "missing_source", {"source": "warehouse", "raw_schema": "nosuch"})
    result = build.dbt("run", "--select", "stg_warehouse__transactions", check=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "nosuch" in output and "transactions" in output and "does not exist" in output, output[-3000:]
    assert "Traceback" not in output
