"""Local database servers for the non-embedded dbt targets (PostgreSQL, Spark), started on 127.0.0.1 only."""

from __future__ import annotations

import argparse

from segmentation.engines import postgres, spark


def register(subparsers: argparse._SubParsersAction) -> None:
    postgres.register(subparsers)
    spark.register(subparsers)
