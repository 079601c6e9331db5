"""`segmentation publish`: audit the built warehouse and publish its marts to the read-only serving copy."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from segmentation import PROJECT_DIR
from segmentation.serving import PARQUET_DIR, PUBLISHED_TABLES, SERVING_FILE, STORAGE_VERSION, add_serving_dir_option

DESCRIPTION = f"""\
Publish the BI-facing marts of a built warehouse to a serving copy that BI tools and the dashboard read,
with write-audit-publish:

  1. audit: the last `dbt build` (target/run_results.json) must have passed, be a whole-project build and
     be the build of this warehouse; then `segmentation quality` must pass on that same warehouse
     (held open read-only until the copy is done, so it cannot change in between);
  2. write: the marts ({", ".join(t.name for t in PUBLISHED_TABLES)}; the §10 ones when
     built) are copied into a new DuckDB file under a temporary name, written in storage version
     {STORAGE_VERSION} so DuckDB 1.4 readers open it, plus one Parquet file per table, plus a table
     serving.publication (published_at, as_of_date, vars digest, git commit, dbt invocation, row counts);
  3. publish: an atomic rename swaps DIR/{SERVING_FILE} (and the DIR/{PARQUET_DIR} symlink). Readers that
     have the old file open keep their snapshot; new connections see the new copy; publish never waits on
     readers.

When the audit refuses, nothing in DIR changes, the exit code is 1 and the message says why (2: the
publish could not run at all, e.g. no warehouse).
"""

EPILOG = """\
examples:
  segmentation publish                                  # warehouse/segmentation.duckdb -> warehouse/serving
  segmentation publish --serving-dir /srv/bi
  DUCKDB_PATH=warehouse/online_retail.duckdb segmentation publish \\
      --run-results warehouse/online_retail_target/run_results.json --serving-dir warehouse/serving_uci
  duckdb -readonly warehouse/serving/segmentation.duckdb "from serving.publication"
"""


def default_run_results() -> Path:
    target_path = os.environ.get("DBT_TARGET_PATH")
    base = Path(target_path) if target_path else PROJECT_DIR / "target"
    if not base.is_absolute():
        base = PROJECT_DIR / base
    return base / "run_results.json"


def run(args: argparse.Namespace) -> int:
    from segmentation.serving.publish import PublishError, PublishOptions, publish, say
    from segmentation.serving.targets import load_target

    try:
        target = load_target(args.target)
    except Exception as error:  # dbt's profile errors are exceptions of several kinds
        print(f"segmentation publish: cannot read the dbt profile target {args.target!r}: {error}", file=sys.stderr)
        return 2
    run_results = args.run_results or default_run_results()
    try:
        if target.type == "postgres":
            from segmentation.serving.postgres import PostgresPublishOptions, publish_postgres

            publication = publish_postgres(
                PostgresPublishOptions(
                    target=target,
                    serving_dir=args.serving_dir,
                    run_results=run_results,
                    quality=not args.no_quality,
                    allow_partial_build=args.allow_partial_build,
                    storage_version=args.storage_version,
                )
            )
        elif target.type == "duckdb":
            warehouse = args.database or target.duckdb_path
            say(f"target {target.name} (duckdb): {warehouse} -> {args.serving_dir}")
            publication = publish(
                PublishOptions(
                    serving_dir=args.serving_dir,
                    warehouse=warehouse,
                    run_results=run_results,
                    quality=not args.no_quality,
                    quality_args=args.quality_arg or (),
                    allow_partial_build=args.allow_partial_build,
                    storage_version=args.storage_version,
                    target=target.name,
                )
            )
        else:
            print(
                f"segmentation publish: target {target.name} is a {target.type} warehouse; publish reads duckdb "
                "and postgres targets",
                file=sys.stderr,
            )
            return 2
    except PublishError as error:
        print(f"segmentation publish: {error}", file=sys.stderr)
        print(f"segmentation publish: the serving copy in {args.serving_dir} is unchanged", file=sys.stderr)
        return error.exit_code
    total = sum(publication.row_counts.values())
    say(
        f"published {publication.publication_id}: {len(publication.row_counts)} tables, {total:,} rows, "
        f"as_of_date {publication.as_of_date} -> {publication.serving_file} and {publication.parquet_dir}/ "
        f"in {publication.seconds:.1f}s"
    )
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "publish",
        help="audit the built warehouse and publish its marts to the read-only serving copy (DuckDB + Parquet)",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--target",
        default=os.environ.get("DBT_TARGET"),
        metavar="T",
        help="dbt profile target that was built (default $DBT_TARGET, else the profile's default: dev = DuckDB)",
    )
    add_serving_dir_option(parser, "to write")
    parser.add_argument(
        "--database",
        type=Path,
        metavar="PATH",
        help="DuckDB targets: the warehouse file (default: the target's path, i.e. $DUCKDB_PATH)",
    )
    parser.add_argument(
        "--run-results",
        type=Path,
        metavar="PATH",
        help="run_results.json of the build (default $DBT_TARGET_PATH/run_results.json, else target/)",
    )
    parser.add_argument(
        "--quality-arg",
        action="append",
        metavar="ARG",
        help="extra argument for `segmentation quality` (repeatable), e.g. --quality-arg=--min-raw-rows=1000",
    )
    parser.add_argument(
        "--no-quality",
        action="store_true",
        help="skip the quality checkpoints (only when they already ran on this warehouse; recorded in "
        "serving.publication.quality_checked)",
    )
    parser.add_argument(
        "--allow-partial-build",
        action="store_true",
        help="accept a last dbt build that selected part of the project (--select / --exclude)",
    )
    parser.add_argument(
        "--storage-version",
        default=STORAGE_VERSION,
        metavar="V",
        help=f"DuckDB storage version of the serving file (default {STORAGE_VERSION}: DuckDB 1.4+ readers)",
    )
    parser.set_defaults(handler=run)
