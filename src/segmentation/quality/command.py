"""`segmentation quality`: run the Great Expectations checkpoints against a built warehouse."""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from segmentation.quality.layout import DEFAULT_OUTPUT_DIR, GX_DIR, SOURCES

if TYPE_CHECKING:
    from segmentation.quality.runner import Options

DESCRIPTION = """\
Check a DuckDB warehouse built by `dbt build` with the Great Expectations checkpoints in gx/, layer by
layer: raw (the raw transactions: expected columns, row count, share of well-formed dates, numbers and
currency codes), staging (unique keys, currencies and rates from the FX table, amount = quantity x
unit_price x fx_rate, plausible dates, raw rows = staged + rejected) and marts (tiers, categories,
movements and cells in their sets, potential >= 0, segment shares in [0, 1] summing to 1, the revenue
bridges and the category sums).

Prints one line per suite (PASS / FAIL, expectations passed, time); under a FAIL, each failing
expectation with what was observed and a sample of failing values or row keys. A failing layer stops
the run (later layers print SKIP) unless --keep-going. Exit code 0 when every suite passes, 1 when one
fails, 2 when the warehouse cannot be checked. The warehouse is opened read-only and validated in place
(SQL inside DuckDB, no network). HTML Data Docs are written to OUTPUT/data_docs/local_site/index.html
(default gx/uncommitted/data_docs/local_site/index.html). More: docs/quality.md.
"""

EPILOG = """\
examples:
  segmentation quality --database warehouse/segmentation.duckdb
  segmentation quality --database warehouse/online_retail.duckdb
  segmentation quality --database big.duckdb --min-raw-rows 900000 --max-raw-rows 1100000
"""


def _share(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"{text} is not a share between 0 and 1")
    return value


def _date(text: str) -> str:
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text} is not a date YYYY-MM-DD") from error


def _currency(text: str) -> str:
    code = text.strip().upper()
    if len(code) != 3 or not code.isalpha():
        raise argparse.ArgumentTypeError(f"{text} is not a 3-letter currency code")
    return code


def options_from(args: argparse.Namespace) -> Options:
    from segmentation.quality.runner import Options

    return Options(
        source=args.source,
        min_raw_rows=args.min_raw_rows,
        max_raw_rows=args.max_raw_rows,
        raw_format_share=args.raw_format_share,
        min_date=args.min_date,
        max_date=args.max_date,
        reporting_currency=args.reporting_currency,
        keep_going=args.keep_going,
    )


def run(args: argparse.Namespace) -> int:
    """The command; returns the exit code."""
    try:
        return _run(args)
    except BrokenPipeError:
        # The reader went away (e.g. `segmentation quality ... | head`): stop quietly, as a failure.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def _run(args: argparse.Namespace) -> int:
    # Great Expectations takes seconds to import: only when the command runs.
    from segmentation.quality.gx_project import write_project
    from segmentation.quality.runner import QualityError, run_quality
    from segmentation.quality.verdicts import verdict_lines

    if args.write_gx:
        written = write_project(GX_DIR)
        print(f"quality: wrote {len(written)} files under {GX_DIR}")
        return 0
    # Failures are reported in the verdicts; GX's own error log would repeat them as tracebacks.
    logging.getLogger("great_expectations").setLevel(logging.CRITICAL)
    if args.database is None:
        print("segmentation quality: --database is required", file=sys.stderr)
        return 2
    if not args.database.is_file():
        print(f"segmentation quality: no warehouse at {args.database}: run `dbt build` first", file=sys.stderr)
        return 2
    started = time.monotonic()
    print(f"quality: checking {args.database} (read-only) with the checkpoints in {GX_DIR}", flush=True)
    try:
        result = run_quality(args.database, args.output, options_from(args))
    except QualityError as error:
        print(f"segmentation quality: {error}", file=sys.stderr)
        return 2
    print(f"quality: raw input read from {result.source} ({SOURCES[result.source]})")
    for verdict in result.verdicts:
        print("\n".join(verdict_lines(verdict)))
    failed = sum(not verdict.ok for verdict in result.verdicts)
    if result.data_docs is not None:
        print(f"quality: Data Docs at {result.data_docs}")
    status = "all suites passed" if result.success else f"{failed} of {len(result.verdicts)} suites did not pass"
    print(f"quality: {status} in {time.monotonic() - started:.1f}s")
    return 0 if result.success else 1


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "quality",
        help="run the Great Expectations checkpoints (raw, staging, marts) against a built warehouse",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--database", type=Path, metavar="PATH", help="the DuckDB file built by `dbt build` (e.g. $DUCKDB_PATH)"
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=DEFAULT_OUTPUT_DIR,
        metavar="DIR",
        help="folder for validation results and Data Docs (default: gx/uncommitted, git-ignored)",
    )
    parser.add_argument(
        "--source",
        choices=["auto", *SOURCES],
        default="auto",
        help="raw input the warehouse was built from (default auto: read from staging): seed = demo seeds, "
        "files = var raw_data_path, online_retail = the UCI file",
    )
    parser.add_argument(
        "--min-raw-rows", type=int, default=1, metavar="N", help="raw transaction rows expected at least (default 1)"
    )
    parser.add_argument(
        "--max-raw-rows",
        type=int,
        default=100_000_000,
        metavar="N",
        help="raw transaction rows expected at most (default 100,000,000)",
    )
    parser.add_argument(
        "--raw-format-share",
        type=_share,
        default=0.99,
        metavar="SHARE",
        help="share of non-null raw dates, numbers and currency codes that must be well formed (default 0.99)",
    )
    parser.add_argument(
        "--min-date",
        type=_date,
        default="1990-01-01",
        metavar="DATE",
        help="earliest plausible invoice date, YYYY-MM-DD (default 1990-01-01)",
    )
    parser.add_argument(
        "--max-date",
        type=_date,
        default=None,
        metavar="DATE",
        help="latest plausible invoice date, YYYY-MM-DD (default: today)",
    )
    parser.add_argument(
        "--reporting-currency",
        type=_currency,
        default=None,
        metavar="CODE",
        help="the reporting currency, the only one allowed without FX rates (default: the build's var "
        "reporting_currency, recorded in intermediate.int_as_of_dates)",
    )
    parser.add_argument("--keep-going", action="store_true", help="run every layer even after a layer failed")
    parser.add_argument(
        "--write-gx",
        action="store_true",
        help="maintainers: rewrite gx/ (suites, validation definitions, checkpoints) from "
        "src/segmentation/quality/suites/, then exit",
    )
    parser.set_defaults(handler=run)
