"""The project on PostgreSQL (`--target postgres`): a cluster of the test session on 127.0.0.1.

The demo seeds build with every data test and unit test passing, and every mart equals the DuckDB build
of the same seeds (money within 0.01, ratios within 1e-9, the rest exact). Bad input gets a clear error:
an unknown target names the valid ones, a server that is not running names the command that starts it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

from conftest import Build, PostgresBuild
from engine_check import assert_marts_equal
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
    # the same nodes as on DuckDB, and the same warnings (customers / products missing from the references)
    demo_results = run_results(demo_build)
    assert node_kinds == Counter(result["unique_id"].split(".")[0] for result in demo_results)
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
