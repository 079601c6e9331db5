"""`segmentation generate`: demo seeds (CSV, raw text) or scale data (Parquet) for benchmarks."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from segmentation import markdown
from segmentation.generator.demo import DEFAULT_SEED, build_demo
from segmentation.generator.docs import COMMAND, SECTION, demo_data_section
from segmentation.generator.months import DEMO_LAST_MONTH
from segmentation.generator.seeds import write_seeds


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "generate",
        help="generate demo seeds (CSV) or large synthetic data (Parquet)",
        description=(
            "Demo mode (--seeds DIR): the project's demo seeds, raw text in the canonical shape, with "
            "documented dirty rows (docs/demo_data.md). Scale mode (--lines N --out DIR): N transaction "
            "lines plus customers, products and FX rates as Parquet, for benchmarks. Both are "
            "deterministic for a --seed."
        ),
    )
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--seeds", type=Path, metavar="DIR", help="write the demo seeds into DIR (e.g. seeds/demo)")
    mode.add_argument("--lines", type=int, metavar="N", help="scale mode: number of transaction lines")
    parser.add_argument("--out", type=Path, metavar="DIR", help="scale mode: output folder")
    parser.add_argument(
        "--docs",
        type=Path,
        metavar="FILE",
        help="demo mode: also rewrite the generated section of FILE (docs/demo_data.md) describing the seeds",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    parser.add_argument(
        "--months",
        type=int,
        default=37,
        help="scale mode: months of history ending at --end-month (default 37)",
    )
    parser.add_argument(
        "--end-month",
        default=DEMO_LAST_MONTH,
        metavar="YYYY-MM",
        help=f"scale mode: last month of the history (default {DEMO_LAST_MONTH})",
    )
    parser.add_argument(
        "--customers",
        type=int,
        metavar="N",
        help="scale mode: number of customers (default: lines / 2000, at least 500)",
    )
    parser.add_argument(
        "--split-last-month",
        action="store_true",
        help=(
            "scale mode: write the last month's lines to transactions_last_month.parquet and the "
            "history to transactions.parquet (for incremental-append benchmarks)"
        ),
    )
    parser.add_argument(
        "--dirty-share",
        type=float,
        default=0.0,
        metavar="SHARE",
        help=(
            "scale mode: share of the lines made dirty (duplicates, padded ids, bad numbers and dates, unknown "
            "currencies, ...; default 0, the benchmark uses 0.005), so the quarantine paths are exercised"
        ),
    )
    parser.add_argument(
        "--csv",
        action="store_true",
        help="scale mode: also write the transactions as CSV text (transactions.csv, same rows as the Parquet)",
    )
    parser.add_argument(
        "--no-malformed-csv",
        dest="malformed_csv",
        action="store_false",
        help="scale mode with --csv and --dirty-share: no CSV records with more fields than the header",
    )
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    if args.seeds is not None:
        _progress(f"generating the demo data set (seed {args.seed}) ...")
        data = build_demo(args.seed)
        counts = write_seeds(data, args.seeds)
        for name, rows in counts.items():
            _progress(f"  {args.seeds / name}: {rows:,} rows")
        if args.docs is not None:
            text = markdown.replace_section(args.docs.read_text(), SECTION, COMMAND, demo_data_section(data))
            args.docs.write_text(text)
            _progress(f"  {args.docs}: generated section {SECTION} rewritten")
        _progress(f"done in {time.perf_counter() - started:.1f} s")
        return 0
    if args.out is None:
        _progress("error: --lines needs --out DIR")
        return 2
    if not 0 <= args.dirty_share < 0.5:
        _progress("error: --dirty-share must lie in [0, 0.5)")
        return 2
    from segmentation.generator.scale import ScaleOptions, generate_scale

    options = ScaleOptions(
        lines=args.lines,
        seed=args.seed,
        months=args.months,
        end_month=args.end_month,
        customers=args.customers,
        split_last_month=args.split_last_month,
        dirty_share=args.dirty_share,
        csv=args.csv,
        malformed_csv=args.malformed_csv,
    )
    counts = generate_scale(options, args.out, progress=_progress)
    for name, rows in counts.items():
        _progress(f"  {args.out / name}: {rows:,} rows")
    _progress(f"done in {time.perf_counter() - started:.1f} s")
    return 0
