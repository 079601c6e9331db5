"""Command-line entry point: `segmentation <command> --help` explains each command."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# Each module registers one sub-command through `register(subparsers)`.
COMMAND_MODULES: tuple[str, ...] = (
    "generator",
    "quality",
    "report",
    "bench",
    "engines",
    "serving.command",
    "dashboard.command",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="segmentation",
        description=(
            "Tooling for the revenue-segmentation dbt project: generate demo data, run the "
            "data-quality checkpoints, benchmark the pipeline and report results. "
            "The models themselves run with `dbt build` (see the README)."
        ),
    )
    subparsers = parser.add_subparsers(dest="command", metavar="<command>")
    for module_name in COMMAND_MODULES:
        importlib.import_module(f"segmentation.{module_name}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    return int(args.handler(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
