"""Benchmark steps on Spark (`segmentation bench --target spark`): the generator's Parquet read by Spark.

Records carry `"target": "spark"` and step names prefixed `spark_`, so they sit in results.json beside the
DuckDB records (merged on label, lines and step) and a DuckDB run leaves them alone. Each step builds from
empty: its own metastore and table folder under the size's work dir, on the running standalone cluster
(`make spark-up`). Peak RSS is the dbt process tree's (the driver JVM runs inside dbt in session mode);
the executors are children of the cluster's worker, so their memory is the worker's `SPARK_WORKER_MEMORY`
budget, not part of the figure.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from segmentation import PROJECT_DIR
from segmentation.bench.measure import run_measured
from segmentation.dbt_runner import check_engine_running, dbt_env, dbt_executable
from segmentation.engines import spark

SPARK_STEPS: tuple[str, ...] = ("spark_dbt_build", "spark_dbt_run_peer_models")

SPARK_STEP_NOTES = {
    "spark_dbt_build": "`dbt build --target spark` from empty on the Parquet input: every model and every test",
    "spark_dbt_run_peer_models": "`dbt run --target spark --select +fct_customer_months +fct_customer_snapshots`",
}

#: Each Spark step and the DuckDB step it is compared with.
DUCKDB_COUNTERPART = {"spark_dbt_build": "dbt_build", "spark_dbt_run_peer_models": "dbt_run_peer_models"}


def spark_env(folder: Path) -> dict[str, str]:
    env = dbt_env(folder / "unused.duckdb", folder)
    env.update(spark.ClusterSettings.from_env().exports())
    env.update(
        {
            "DBT_TARGET": "spark",
            "SPARK_WAREHOUSE_DIR": str(folder / "spark-warehouse"),
            "SPARK_METASTORE_DIR": str(folder / "spark-metastore"),
        }
    )
    return env


def _spark_dbt_step(run: Any, step: str, args: list[str]) -> dict[str, Any]:
    from segmentation.bench.steps import _measured, run_results_summary

    folder = run.reset(step)
    env = spark_env(folder)
    check_engine_running("spark", env)
    raw = str(run.dataset.full)
    parse = run_measured(
        [dbt_executable(), "parse", "--vars", json.dumps({"raw_data_path": raw})],
        cwd=PROJECT_DIR,
        env=env,
        log_path=folder / "parse.log",
    )
    if parse.status != "ok":
        raise RuntimeError(f"dbt parse failed before {step}:\n{parse.output_tail}")
    command = [dbt_executable(), *args, "--vars", json.dumps({"raw_data_path": raw})]
    _, record = _measured(run, step, command, env, folder / f"{step}.log", target="spark")
    record["dbt"] = run_results_summary(folder / "target")
    settings = spark.ClusterSettings.from_env()
    record["spark"] = {
        "workers": settings.workers,
        "worker_cores": settings.worker_cores,
        "worker_memory": settings.worker_memory,
        "driver_memory": settings.driver_memory,
        "executor_memory": settings.executor_memory,
        "shuffle_partitions": settings.shuffle_partitions,
    }
    return record


def step_spark_dbt_build(run: Any) -> dict[str, Any]:
    return _spark_dbt_step(run, "spark_dbt_build", ["build"])


def step_spark_dbt_run_peer_models(run: Any) -> dict[str, Any]:
    from segmentation.bench.steps import PEER_SELECTOR

    return _spark_dbt_step(run, "spark_dbt_run_peer_models", ["run", "--select", *PEER_SELECTOR.split()])


SPARK_STEP_FUNCTIONS = {
    "spark_dbt_build": step_spark_dbt_build,
    "spark_dbt_run_peer_models": step_spark_dbt_run_peer_models,
}


def _fmt(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds:,.1f}"


def _ratio(numerator: float | None, denominator: float | None) -> str:
    if not numerator or not denominator:
        return "-"
    return f"{numerator / denominator:,.1f}x"


def render_spark_section(records: list[dict[str, Any]]) -> list[str]:
    """The report's Spark section: each Spark step per size, its growth and its ratio to the DuckDB step."""
    spark_all = [r for r in records if r.get("target") == "spark"]
    if not spark_all:
        return []
    # the label of the newest Spark run ("current", or an older run's label kept when a later DuckDB-only
    # run on another machine took "current"); the DuckDB counterparts come from the same label
    run_label = max(spark_all, key=lambda r: r.get("run_id", "")).get("label", "current")
    same = [r for r in records if r.get("label", "current") == run_label]
    spark_records = {(r["lines"], r["step"]): r for r in same if r.get("target") == "spark"}
    duckdb_records = {(r["lines"], r["step"]): r for r in same if r.get("target", "duckdb") != "spark"}
    sizes = sorted({lines for lines, _ in spark_records})
    from segmentation.bench.results import size_label

    header = ["step"]
    for lines in sizes:
        label = size_label(lines)
        header += [f"Spark {label} s", f"DuckDB {label} s", f"Spark / DuckDB {label}"]
    if len(sizes) > 1:
        header += [f"Spark growth {size_label(sizes[0])} -> {size_label(sizes[-1])}", "DuckDB growth"]
    out = [
        "## Spark (`segmentation bench --target spark`)",
        "",
        f"Label `{run_label}` (Spark and DuckDB steps of the same session).",
        "",
        "The same generated Parquet read by Spark (`raw_data_path`), on the project's standalone cluster on "
        "127.0.0.1 (`make spark-up`): "
        + "; ".join(f"`{step}`: {note}" for step, note in SPARK_STEP_NOTES.items())
        + ". Not a target on 2 shared cores: Spark pays a JVM start, a Hive metastore and a job per statement, "
        'which DuckDB does not; at this size the fixed cost dominates. Records: `"target": "spark"` in '
        "results.json (a DuckDB run keeps them).",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
    ]
    for step in SPARK_STEPS:
        if not any((lines, step) in spark_records for lines in sizes):
            continue
        row = [f"`{step}`"]
        spark_seconds, duckdb_seconds = [], []
        for lines in sizes:
            record = spark_records.get((lines, step), {})
            seconds = record.get("seconds") if record.get("status") == "ok" else None
            counterpart = duckdb_records.get((lines, DUCKDB_COUNTERPART[step]), {})
            duck = counterpart.get("seconds") if counterpart.get("status", "ok") == "ok" else None
            spark_seconds.append(seconds)
            duckdb_seconds.append(duck)
            status = "" if seconds is not None or not record else f" ({record.get('status')})"
            row += [_fmt(seconds) + status, _fmt(duck), _ratio(seconds, duck)]
        if len(sizes) > 1:
            row += [_ratio(spark_seconds[-1], spark_seconds[0]), _ratio(duckdb_seconds[-1], duckdb_seconds[0])]
        out.append("| " + " | ".join(row) + " |")
    settings = next(iter(r.get("spark") for r in spark_records.values() if r.get("spark")), None)
    if settings:
        out += [
            "",
            f"Cluster: {settings['workers']} worker x {settings['worker_cores']} cores, worker memory "
            f"{settings['worker_memory']}, driver {settings['driver_memory']}, executor {settings['executor_memory']}, "
            f"{settings['shuffle_partitions']} shuffle partitions (adaptive).",
        ]
    return [*out, ""]
