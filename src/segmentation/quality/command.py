"""`segmentation quality`: the Great Expectations checkpoints that stop a bad extract before BI."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

from segmentation import PROJECT_DIR

DEFAULT_OUTPUT_DIR = PROJECT_DIR / "warehouse" / "quality"

DESCRIPTION = """\
Great Expectations checkpoints for what dbt's own tests cannot see (dbt build already tests keys, labels,
contracts and the revenue identities).

  --raw                validate the raw transactions as they arrive, BEFORE dbt runs: the file the vars
                       point at (demo seed, raw_data_path, or the UCI file with source: online_retail).
  --database DB        validate a built warehouse: the raw relation it read, then compare it with the
                       last published serving copy given by --baseline (skipped, and said so, without one).

Raw checks: the required columns are present; the row count is within quality_min/max_raw_rows; the share
of rows with a malformed CSV record or a value that does not parse (line number, date, quantity, price,
currency) is at most quality_max_rejected_share, overall and per column; invoice dates lie between
quality_min_invoice_date and quality_max_invoice_date (default today).
Comparison: every month of the published copy still exists; rows and revenue of each closed month changed
by at most quality_max_month_rows_change / quality_max_month_revenue_change (relative); the share of
accounts whose revenue changed in a closed month is at most quality_max_changed_accounts_share. The
latest incremental_lookback_months + 1 months are open (late lines may land there) and not compared.

Thresholds are vars in dbt_project.yml (override with --vars '{name: value}', as for dbt). Prints one line
per suite (PASS / FAIL / SKIP); under a FAIL each failing expectation with the file or table, what was
observed and sample rows. Exit 0 when every checkpoint passes, 1 when one fails, 2 when the input cannot
be read. Data Docs: OUTPUT/data_docs/local_site/index.html. More: docs/quality.md.
"""

EPILOG = """\
examples:
  segmentation quality --raw
  segmentation quality --raw --vars '{raw_data_path: /data/acme}'
  segmentation quality --database warehouse/segmentation.duckdb --baseline warehouse/serving/segmentation.duckdb
"""


def _vars(text: str) -> dict[str, Any]:
    import yaml

    value = yaml.safe_load(text)
    if not isinstance(value, dict):
        raise argparse.ArgumentTypeError(f"{text!r} is not a mapping such as '{{raw_data_path: /data}}'")
    return value


def run(args: argparse.Namespace) -> int:
    """The command; returns the exit code."""
    try:
        return _run(args)
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def _run(args: argparse.Namespace) -> int:
    from segmentation.quality.checkpoints import QualityRun, check_raw, check_warehouse
    from segmentation.quality.evidence import EvidenceError, raw_input_from_vars
    from segmentation.registry import Registry

    if args.raw == (args.database is not None):
        print("segmentation quality: give exactly one of --raw or --database", file=sys.stderr)
        return 2
    started = time.monotonic()
    try:
        registry = Registry.load(args.vars)
        if args.raw:
            raw = raw_input_from_vars(registry)
            print(f"quality: raw input {raw.name} (before dbt)", flush=True)
            result: QualityRun = check_raw(raw, registry, args.output)
        else:
            baseline = f", baseline {args.baseline}" if args.baseline else ""
            print(f"quality: warehouse {args.database} (read-only){baseline}", flush=True)
            result = check_warehouse(args.database, args.baseline, registry, args.output)
    except (EvidenceError, KeyError) as error:
        print(f"segmentation quality: {error}", file=sys.stderr)
        return 2
    for verdict in result.verdicts:
        print("\n".join(verdict.lines()))
    if result.data_docs is not None:
        print(f"quality: Data Docs at {result.data_docs}")
    failed = sum(not verdict.ok for verdict in result.verdicts)
    status = "every checkpoint passed" if result.success else f"{failed} of {len(result.verdicts)} suites failed"
    print(f"quality: {status} in {time.monotonic() - started:.1f}s")
    return 0 if result.success else 1


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "quality",
        help="Great Expectations checkpoints: raw input before dbt, a build against the last published copy",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--raw", action="store_true", help="validate the raw input the vars point at (before dbt)")
    parser.add_argument("--database", type=Path, metavar="DB", help="a DuckDB warehouse built by `dbt build`")
    parser.add_argument(
        "--baseline",
        type=Path,
        metavar="PATH",
        help="the last published serving copy to compare --database with (e.g. warehouse/serving/segmentation.duckdb)",
    )
    parser.add_argument(
        "--vars", type=_vars, default=None, metavar="YAML", help="var overrides, as for dbt: '{raw_data_path: /data}'"
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=DEFAULT_OUTPUT_DIR,
        metavar="DIR",
        help="folder for Data Docs (default: warehouse/quality, git-ignored)",
    )
    parser.set_defaults(handler=run)
