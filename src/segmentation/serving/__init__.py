"""The read-only serving copy of the marts (`segmentation publish`) that BI tools and the dashboard read."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from segmentation import PROJECT_DIR

#: Default folder of the serving copy (git-ignored, under warehouse/).
DEFAULT_SERVING_DIR = PROJECT_DIR / "warehouse" / "serving"
#: The DuckDB file BI tools open read-only, inside the serving folder.
SERVING_FILE = "segmentation.duckdb"
#: The Parquet folder (a symlink swapped atomically to the current publication's folder).
PARQUET_DIR = "parquet"
#: Storage version of the serving file: DuckDB 1.4 readers (and later) open it; DuckDB 2.0's default is not.
STORAGE_VERSION = "v1.4.0"
#: Schema of the published marts (same name as in the warehouse, so BI queries work on either).
MARTS_SCHEMA = "marts"
#: Schema of the publication record.
SERVING_SCHEMA = "serving"


@dataclass(frozen=True)
class PublishedTable:
    name: str
    spec: str  # where SPEC defines it
    required: bool = True


#: Every BI-facing mart: SPEC §3-7 and §10, the playbook and the semantic layer's time spine.
PUBLISHED_TABLES: tuple[PublishedTable, ...] = (
    PublishedTable("fct_customer_months", "SPEC §3"),
    PublishedTable("fct_transactions", "SPEC §4"),
    PublishedTable("fct_customer_snapshots", "SPEC §5"),
    PublishedTable("dim_customers", "SPEC §6"),
    PublishedTable("mart_monthly_revenue", "SPEC §7"),
    PublishedTable("mart_segment_summary", "SPEC §7"),
    PublishedTable("mart_cohort_retention", "SPEC §7"),
    PublishedTable("mart_segment_migration", "SPEC §7"),
    PublishedTable("dim_segment_playbook", "SPEC §7"),
    PublishedTable("time_spine_daily", "semantic layer"),
    PublishedTable("fct_customer_clv", "SPEC §10", required=False),
    PublishedTable("clv_model_parameters", "SPEC §10", required=False),
)


def serving_file(serving_dir: Path | str) -> Path:
    return Path(serving_dir) / SERVING_FILE


def add_serving_dir_option(parser: argparse.ArgumentParser, purpose: str) -> None:
    """The `--serving-dir DIR` option of the commands that write or read the serving copy."""
    parser.add_argument(
        "--serving-dir",
        type=Path,
        default=DEFAULT_SERVING_DIR,
        metavar="DIR",
        help=f"folder of the serving copy {purpose} (default warehouse/serving): "
        f"DIR/{SERVING_FILE}, DIR/{PARQUET_DIR}/",
    )
