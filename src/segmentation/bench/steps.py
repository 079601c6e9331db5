"""The benchmark steps for one data size, each run from empty in a fresh subprocess.

Every dbt step gets its own empty warehouse under the size's work folder. dbt's parse cache is warmed
(`dbt parse`, untimed) before each timed dbt command, so every dbt step pays the same steady-state start-up
cost and none pays a first-time project parse.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from segmentation import PROJECT_DIR
from segmentation.bench.compare import compare_peer_with_marts, compare_warehouses, mart_tables
from segmentation.bench.datasets import Dataset, append_last_month, prepare_history_folder
from segmentation.bench.machine import load_average
from segmentation.bench.measure import Measurement, run_measured
from segmentation.dbt_runner import dbt_env, dbt_executable
from segmentation.duckdb_settings import configure

PEER_SELECTOR = "+fct_customer_months +fct_customer_snapshots"


@dataclass
class SizeRun:
    """Everything the steps of one size share."""

    dataset: Dataset
    work: Path
    budget_mb: float | None
    timeout_s: float | None
    progress: Callable[[str], None]
    keep_work: bool = False

    @property
    def lines(self) -> int:
        return self.dataset.lines

    def warehouse(self, name: str) -> Path:
        return self.work / name / "warehouse.duckdb"

    def reset(self, name: str) -> Path:
        """An empty folder for a step's warehouse, dbt target and logs."""
        folder = self.work / name
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        return folder

    def keep_only_marts(self, name: str) -> None:
        """Shrink a step's warehouse to its `marts` schema once only mart comparisons read it (unless
        --keep-work): at 100M lines the full dbt_build and peer-model warehouses (staging, intermediate,
        quarantine: about 20 GB) left too little disk for the CSV build's spill. Idempotent."""
        path = self.warehouse(name)
        done = self.work / name / "marts_only"
        if self.keep_work or not path.exists() or done.exists():
            return
        slim = path.with_name("marts_only.duckdb")
        slim.unlink(missing_ok=True)
        with configure(duckdb.connect()) as connection:
            connection.execute(f"attach '{path}' as full_copy (read_only)")
            connection.execute(f"attach '{slim}' as slim_copy")
            connection.execute("create schema slim_copy.marts")
            for table in mart_tables(connection, "full_copy"):
                connection.execute(f"create table slim_copy.marts.{table} as select * from full_copy.marts.{table}")
        os.replace(slim, path)
        done.touch()
        self.progress(f"  {name}: warehouse reduced to its marts ({path.stat().st_size / 1024**3:,.1f} GB)")

    def release(self, name: str) -> None:
        """Delete a step's folder once no later step reads its warehouse (unless --keep-work): disk at 100M."""
        if not self.keep_work:
            shutil.rmtree(self.work / name, ignore_errors=True)


def has_command(name: str) -> bool:
    """Whether the `segmentation` CLI has a sub-command (the quality checkpoints come from another branch)."""
    from segmentation.cli import build_parser

    for action in build_parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            return name in action.choices
    return False


def dbt_command(args: list[str], raw_dir: Path) -> list[str]:
    return [dbt_executable(), *args, "--vars", json.dumps({"raw_data_path": str(raw_dir)})]


def run_results_summary(target: Path) -> dict[str, Any]:
    """Per-node timing from dbt's run_results.json: models vs tests, the slowest nodes, failures."""
    path = target / "run_results.json"
    if not path.exists():
        return {}
    results = json.loads(path.read_text())["results"]
    summary: dict[str, Any] = {"nodes": len(results)}
    for kind in ("model", "test", "seed"):
        mine = [r for r in results if r["unique_id"].startswith(f"{kind}.")]
        summary[f"{kind}s"] = len(mine)
        summary[f"{kind}_seconds"] = round(sum(r["execution_time"] for r in mine), 2)
    slowest = sorted(results, key=lambda r: r["execution_time"], reverse=True)[:10]
    summary["slowest_nodes"] = [[r["unique_id"].split(".")[2][:60], round(r["execution_time"], 2)] for r in slowest]
    problems = [r["unique_id"] for r in results if r["status"] not in ("success", "pass")]
    if problems:
        summary["not_passing"] = problems[:20]
    return summary


def _measured(
    run: SizeRun, step: str, command: list[str], env: dict[str, str] | None, log: Path, **extra: Any
) -> tuple[Measurement, dict[str, Any]]:
    run.progress(f"  {step}: running ...")
    load_before = load_average()
    measurement = run_measured(
        command,
        cwd=PROJECT_DIR,
        env=env,
        log_path=log,
        budget_mb=run.budget_mb,
        timeout_s=run.timeout_s,
        progress=run.progress,
    )
    record: dict[str, Any] = {
        "lines": run.lines,
        "step": step,
        "seconds": round(measurement.seconds, 2),
        "peak_rss_mb": round(measurement.peak_rss_mb, 1),
        "cpu_seconds": round(measurement.cpu_seconds, 2),
        "status": measurement.status,
        "load_before": load_before,
        "load_after": load_average(),
        **extra,
    }
    if measurement.status == "out_of_memory_budget":
        record["error"] = f"stopped when its processes went over the {run.budget_mb:,.0f} MB memory budget"
    elif measurement.status != "ok":
        record["error"] = measurement.output_tail[-1500:]
    run.progress(
        f"  {step}: {measurement.status}, {measurement.seconds:,.1f} s, peak RSS {measurement.peak_rss_mb:,.0f} MB,"
        f" CPU {measurement.cpu_seconds:,.1f} s (load {load_before[0]:.2f})"
    )
    return measurement, record


def _dbt_step(run: SizeRun, step: str, args: list[str], raw_dir: Path, fresh: bool = True) -> dict[str, Any]:
    folder = run.reset(step) if fresh else run.work / step
    env = dbt_env(run.warehouse(step), folder)
    parse = run_measured(dbt_command(["parse"], raw_dir), cwd=PROJECT_DIR, env=env, log_path=folder / "parse.log")
    if parse.status != "ok":
        raise RuntimeError(f"dbt parse failed before {step}:\n{parse.output_tail}")
    _, record = _measured(run, step, dbt_command(args, raw_dir), env, folder / f"{step}.log")
    record["dbt"] = run_results_summary(folder / "target")
    return record


def step_floor(run: SizeRun) -> dict[str, Any]:
    folder = run.reset("floor")
    command = [sys.executable, "-m", "segmentation.bench.floor", str(run.dataset.full)]
    return _measured(run, "floor", command, None, folder / "floor.log")[1]


def step_dbt_build(run: SizeRun) -> dict[str, Any]:
    record = _dbt_step(run, "dbt_build", ["build"], run.dataset.full)
    record["rejected"] = rejected_counts(run.warehouse("dbt_build"))
    return record


def step_quality(run: SizeRun) -> dict[str, Any]:
    if not has_command("quality"):
        run.progress("  quality: skipped (no `segmentation quality` sub-command on this branch)")
        return {"lines": run.lines, "step": "quality", "seconds": None, "peak_rss_mb": None, "status": "skipped"}
    database = run.warehouse("dbt_build")
    if not database.exists():
        return {"lines": run.lines, "step": "quality", "seconds": None, "peak_rss_mb": None, "status": "skipped"}
    folder = run.reset("quality")
    command = [sys.executable, "-m", "segmentation.cli", "quality", "--database", str(database)]
    return _measured(run, "quality", command, None, folder / "quality.log")[1]


def step_dbt_run_peer_models(run: SizeRun) -> dict[str, Any]:
    return _dbt_step(run, "dbt_run_peer_models", ["run", "--select", PEER_SELECTOR], run.dataset.full)


def rejected_counts(database: Path) -> dict[str, int]:
    """Rows per quarantine reason in a built warehouse (shows the dirty rows took the quarantine paths)."""
    if not database.exists():
        return {}
    try:
        with duckdb.connect(str(database), read_only=True) as connection:
            rows = connection.execute(
                "select reason, count(*) from audit.rejected_transactions group by reason order by reason"
            ).fetchall()
    except duckdb.Error:
        return {}
    return {str(reason): int(count) for reason, count in rows}


def _peer_step(run: SizeRun, step: str) -> dict[str, Any]:
    """A peer implementation (`segmentation.bench.<step>`) in a fresh process, checked against the marts."""
    folder = run.reset(step)
    command = [sys.executable, "-m", f"segmentation.bench.{step}", str(run.dataset.full), str(folder / "out")]
    env = dict(os.environ)
    threads = env.get("DUCKDB_THREADS")
    if threads:  # the same number of threads as the DuckDB steps get
        env["POLARS_MAX_THREADS"] = threads
    measurement, record = _measured(run, step, command, env, folder / f"{step}.log")
    database = run.warehouse("dbt_run_peer_models")
    if measurement.status == "ok" and database.exists():
        comparison = compare_peer_with_marts(folder / "out", database)
        record["equals_marts"] = comparison.equal
        record["check"] = comparison.summary()
        run.progress(f"  {step} vs marts: {comparison.summary()}")
    return record


def step_pandas_peer(run: SizeRun) -> dict[str, Any]:
    return _peer_step(run, "pandas_peer")


def step_polars_peer(run: SizeRun) -> dict[str, Any]:
    return _peer_step(run, "polars_peer")


def step_duckdb_script_peer(run: SizeRun) -> dict[str, Any]:
    return _peer_step(run, "duckdb_script_peer")


def _csv_step(run: SizeRun, step: str, args: list[str], reference: str) -> dict[str, Any]:
    """A dbt step on the CSV copy of the input; its marts compared with the same step's on Parquet."""
    for earlier in ("dbt_build", "dbt_run_peer_models"):
        run.keep_only_marts(earlier)  # the quality step and the peers have read them; now only marts are compared
    record = _dbt_step(run, step, args, run.dataset.full_csv)
    record["input"] = "csv"
    record["csv_mb"] = run.dataset.meta().get("csv_mb")
    parquet = run.warehouse(reference)
    if record["status"] == "ok" and parquet.exists():
        comparison = compare_warehouses(parquet, run.warehouse(step))
        record["identical_to_parquet_input"] = comparison.equal
        record["check"] = comparison.summary()
        run.progress(f"  {step} vs {reference} (Parquet input): {comparison.summary()}")
    return record


def _rejected_then_release(run: SizeRun, step: str, record: dict[str, Any]) -> dict[str, Any]:
    if step == "dbt_build_csv":
        record["rejected"] = rejected_counts(run.warehouse(step))
    run.release(step)  # no later step reads the CSV warehouses
    return record


def step_dbt_build_csv(run: SizeRun) -> dict[str, Any]:
    record = _csv_step(run, "dbt_build_csv", ["build"], "dbt_build")
    return _rejected_then_release(run, "dbt_build_csv", record)


def step_dbt_run_peer_models_csv(run: SizeRun) -> dict[str, Any]:
    record = _csv_step(run, "dbt_run_peer_models_csv", ["run", "--select", PEER_SELECTOR], "dbt_run_peer_models")
    return _rejected_then_release(run, "dbt_run_peer_models_csv", record)


def step_incremental_append(run: SizeRun) -> dict[str, Any]:
    """Build the history, append the last month, time the incremental `dbt build`, compare with a full build."""
    folder = run.reset("incremental_append")
    raw = folder / "raw"
    prepare_history_folder(run.dataset, raw)
    env = dbt_env(run.warehouse("incremental_append"), folder)
    run.progress("  incremental_append: building the history (untimed) ...")
    started = time.perf_counter()
    history = run_measured(dbt_command(["build"], raw), cwd=PROJECT_DIR, env=env, log_path=folder / "history.log")
    history_seconds = round(time.perf_counter() - started, 2)
    if history.status != "ok":
        return {
            "lines": run.lines,
            "step": "incremental_append",
            "seconds": None,
            "peak_rss_mb": None,
            "status": "failed",
            "error": "history build failed: " + history.output_tail[-1500:],
        }
    append_last_month(run.dataset, raw)
    meta = run.dataset.meta()
    _, record = _measured(
        run,
        "incremental_append",
        dbt_command(["build"], raw),
        env,
        folder / "incremental_append.log",
        history_build_seconds=history_seconds,
        appended_lines=meta.get("last_month_lines"),
    )
    record["dbt"] = run_results_summary(folder / "target")
    full = run.warehouse("dbt_build")
    if record["status"] == "ok" and full.exists():
        comparison = compare_warehouses(full, run.warehouse("incremental_append"))
        record["identical_to_full_refresh"] = comparison.equal
        record["check"] = comparison.summary()
        run.progress(f"  incremental_append vs full refresh: {comparison.summary()}")
    if record["status"] == "ok":
        # The floor of an incremental run: the same build again with nothing appended.
        noop = run_measured(dbt_command(["build"], raw), cwd=PROJECT_DIR, env=env, log_path=folder / "noop.log")
        record["nothing_appended_seconds"] = round(noop.seconds, 2) if noop.status == "ok" else None
        # ... and the models alone (`dbt run`, no tests)
        models = run_measured(dbt_command(["run"], raw), cwd=PROJECT_DIR, env=env, log_path=folder / "noop_run.log")
        record["nothing_appended_run_seconds"] = round(models.seconds, 2) if models.status == "ok" else None
        run.progress(
            f"  incremental_append: with nothing appended, `dbt build` took {noop.seconds:,.1f} s, "
            f"`dbt run` {models.seconds:,.1f} s"
        )
    return record


STEP_FUNCTIONS: dict[str, Callable[[SizeRun], dict[str, Any]]] = {
    "floor": step_floor,
    "dbt_build": step_dbt_build,
    "quality": step_quality,
    "dbt_run_peer_models": step_dbt_run_peer_models,
    "pandas_peer": step_pandas_peer,
    "polars_peer": step_polars_peer,
    "duckdb_script_peer": step_duckdb_script_peer,
    "dbt_build_csv": step_dbt_build_csv,
    "dbt_run_peer_models_csv": step_dbt_run_peer_models_csv,
    "incremental_append": step_incremental_append,
}
