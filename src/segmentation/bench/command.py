"""`segmentation bench`: run the benchmark steps at each size, write results.json and the report."""

from __future__ import annotations

import argparse
import shutil
import sys
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from segmentation import PROJECT_DIR
from segmentation.bench import STEPS
from segmentation.bench.datasets import DIRTY_SHARE

BENCH_DIR = PROJECT_DIR / "benchmarks"
# Disk need per line, measured at 100M (run 20261203T112708Z): the cached input 95 bytes; the marts of
# dbt_build and dbt_run_peer_models kept for the comparisons (43; the whole warehouses are shrunk to their
# marts before the CSV steps); the CSV build's own warehouse plus DuckDB's spill in stg_transactions_validated
# (about 410 at its peak: the rule-10 window sorts the text-typed rows). Peak use was about 580.
DISK_BYTES_PER_LINE = 600


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _csv(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _sizes(text: str) -> list[int]:
    sizes = [int(part.replace("_", "")) for part in _csv(text)]
    if not sizes or any(size < 1000 for size in sizes):
        raise argparse.ArgumentTypeError("--sizes: comma-separated line counts, each >= 1000")
    return sizes


def _steps(text: str) -> list[str]:
    from segmentation.bench.spark_steps import SPARK_STEPS

    steps = _csv(text)
    known = (*STEPS, *SPARK_STEPS)
    unknown = [step for step in steps if step not in known]
    if unknown:
        raise argparse.ArgumentTypeError(f"--steps: unknown {unknown}; known: {', '.join(known)}")
    return steps


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "bench",
        help="benchmark the pipeline on generated data (time and peak memory per step)",
        description=(
            "For each size: generate canonical Parquet and the same lines as CSV with the generator (cached by "
            "size, seed and dirty share), then run "
            f"each step from empty in a fresh process ({', '.join(STEPS)}), recording wall time, CPU time and "
            "the peak RSS of the step's process tree. Writes benchmarks/results.json and benchmarks/README.md. "
            "DuckDB settings come from the profile's env vars (DUCKDB_MEMORY_LIMIT, DUCKDB_TEMP_DIR, "
            "DUCKDB_THREADS, DBT_THREADS)."
        ),
    )
    parser.add_argument("--sizes", type=_sizes, default=[1_000_000, 10_000_000], help="line counts, comma-separated")
    parser.add_argument(
        "--target",
        choices=["duckdb", "spark"],
        default="duckdb",
        help="engine: duckdb (default) or spark (the Spark steps on the running `make spark-up` cluster; "
        "records marked target spark, beside the DuckDB ones)",
    )
    parser.add_argument("--steps", type=_steps, default=None, help="steps to run (default: all of the target's)")
    parser.add_argument("--seed", type=int, default=42, help="generator seed (default 42)")
    parser.add_argument(
        "--dirty-share",
        type=float,
        default=DIRTY_SHARE,
        help=f"share of dirty generated lines, timed through the quarantine (default {DIRTY_SHARE})",
    )
    parser.add_argument(
        "--malformed-csv",
        action=argparse.BooleanOptionalAction,
        default=True,
        help=(
            "put CSV records with a field more than the header into the CSV input (SPEC §2 malformed_row; "
            "in the Parquet those lines have null quantity and price, so both inputs give the same marts; "
            "default on, --no-malformed-csv to leave them out)"
        ),
    )
    parser.add_argument("--label", default="current", help="label of the records (default: current)")
    parser.add_argument("--data-dir", type=Path, default=BENCH_DIR / "data", help="generated data cache")
    parser.add_argument("--work-dir", type=Path, default=BENCH_DIR / "work", help="warehouses and logs")
    parser.add_argument("--results", type=Path, default=BENCH_DIR / "results.json", help="results file")
    parser.add_argument("--report", type=Path, default=BENCH_DIR / "README.md", help="Markdown report")
    parser.add_argument(
        "--max-rss-gb",
        type=float,
        default=14.0,
        help="stop a step whose process tree goes over this (recorded as out_of_memory_budget; default 14)",
    )
    parser.add_argument("--timeout-minutes", type=float, default=120.0, help="stop a step after this long")
    parser.add_argument(
        "--keep-data-up-to",
        type=int,
        default=10_000_000,
        help="keep the generated data of sizes up to this many lines; delete larger ones after their run",
    )
    parser.add_argument("--keep-work", action="store_true", help="keep the warehouses of each size")
    parser.add_argument("--report-only", action="store_true", help="re-render README.md from results.json")
    parser.set_defaults(handler=run)


def _check_disk(folder: Path, lines: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(folder).free
    need = lines * DISK_BYTES_PER_LINE
    _progress(f"  disk: {free / 1024**3:,.1f} GB free at {folder}, about {need / 1024**3:,.1f} GB needed")
    if free < need * 1.2:
        raise SystemExit(f"not enough disk space for {lines:,} lines at {folder}")


def run(args: argparse.Namespace) -> int:
    from segmentation.bench import results
    from segmentation.bench.datasets import ensure_dataset, remove_dataset
    from segmentation.bench.machine import describe, git_commit, load_average
    from segmentation.bench.spark_steps import SPARK_STEP_FUNCTIONS, SPARK_STEPS
    from segmentation.bench.steps import STEP_FUNCTIONS, SizeRun

    if args.report_only:
        args.report.write_text(results.render(results.load(args.results)))
        _progress(f"bench: wrote {args.report}")
        return 0
    if args.steps is None:
        args.steps = list(SPARK_STEPS if args.target == "spark" else STEPS)
    functions = {**STEP_FUNCTIONS, **SPARK_STEP_FUNCTIONS}
    if args.target == "spark":
        from segmentation.dbt_runner import check_engine_running
        from segmentation.engines import spark

        try:
            check_engine_running("spark", spark.ClusterSettings.from_env().exports())
        except RuntimeError as error:
            raise SystemExit(f"bench --target spark: {error}") from None
    run_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    machine = describe()
    commit = git_commit()
    _progress(
        f"bench {run_id}: sizes {', '.join(results.size_label(s) for s in args.sizes)}, steps {', '.join(args.steps)};"
        f" {machine['cpu']}, {machine['logical_cores']} cores, {machine['memory_gb']} GB; load {load_average()}"
    )
    for lines in args.sizes:
        _progress(f"== {results.size_label(lines)} lines ({lines:,})")
        _check_disk(args.work_dir, lines)
        dataset = ensure_dataset(args.data_dir, lines, args.seed, _progress, args.dirty_share, args.malformed_csv)
        work = args.work_dir / f"lines-{lines}"
        size_run = SizeRun(
            dataset=dataset,
            work=work,
            budget_mb=args.max_rss_gb * 1024,
            timeout_s=args.timeout_minutes * 60,
            progress=_progress,
            keep_work=args.keep_work,
        )
        for step in args.steps:
            started_at = datetime.now(UTC).isoformat(timespec="seconds")
            try:
                record: dict[str, Any] = functions[step](size_run)
            except Exception as error:  # a broken step is recorded, the benchmark goes on
                _progress(f"  {step}: error {error}")
                record = {"lines": lines, "step": step, "seconds": None, "peak_rss_mb": None, "status": "failed"}
                if step in SPARK_STEP_FUNCTIONS:
                    record["target"] = "spark"
                record["error"] = "".join(traceback.format_exception(error))[-1500:]
            record.update(
                run_id=run_id, label=args.label, commit=commit, started_at=started_at, seed=args.seed, machine=machine
            )
            merged = results.merge(results.load(args.results), [record])
            results.save(args.results, merged)
            args.report.write_text(results.render(merged))
        if not args.keep_work:
            shutil.rmtree(work, ignore_errors=True)
        if lines > args.keep_data_up_to:
            _progress(f"  data: deleting {dataset.root}")
            remove_dataset(dataset)
    _progress(f"bench: wrote {args.results} and {args.report}")
    return 0
