"""Read the serving copy (never the build file): one read-only connection, every table, closed again.

All tables of one load come from one file, so from one publication, even while `segmentation publish`
swaps a new copy in. The dashboard caches a load per file identity (inode, size, mtime): a new publication
is a new file, so the next page view reads it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from segmentation.serving import DEFAULT_SERVING_DIR, MARTS_SCHEMA, SERVING_FILE, SERVING_SCHEMA

#: Environment variable naming the serving folder (set by `segmentation dashboard --serving-dir`).
SERVING_DIR_ENV = "SEGMENTATION_SERVING_DIR"

#: Tables the dashboard reads (fct_transactions is left out: it is line-grain and the pages do not need it).
TABLES: dict[str, str] = {
    "monthly": "mart_monthly_revenue",
    "summary": "mart_segment_summary",
    "cohorts": "mart_cohort_retention",
    "migration": "mart_segment_migration",
    "playbook": "dim_segment_playbook",
    "customers": "dim_customers",
    "months": "fct_customer_months",
    "snapshots": "fct_customer_snapshots",
}
OPTIONAL_TABLES: dict[str, str] = {"clv": "fct_customer_clv"}


class ServingCopyMissingError(Exception):
    """There is no published serving copy to read (or it is not one); the message says what to do."""


@dataclass
class ServingData:
    path: Path
    publication: dict[str, Any]
    monthly: pd.DataFrame
    summary: pd.DataFrame
    cohorts: pd.DataFrame
    migration: pd.DataFrame
    playbook: pd.DataFrame
    customers: pd.DataFrame
    months: pd.DataFrame
    snapshots: pd.DataFrame
    clv: pd.DataFrame | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def currency(self) -> str:
        return str(self.publication.get("reporting_currency") or "USD")

    @property
    def as_of_month(self) -> pd.Timestamp:
        value = self.publication.get("as_of_month")
        if value is None:
            return pd.Timestamp(self.monthly["revenue_month"].max())
        return pd.Timestamp(value)


def serving_dir_from_env() -> Path:
    return Path(os.environ.get(SERVING_DIR_ENV) or DEFAULT_SERVING_DIR)


def file_identity(path: Path) -> tuple[str, int, int, int] | None:
    """(path, inode, size, mtime_ns) of the file, None when it does not exist."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return (str(path), stat.st_ino, stat.st_size, stat.st_mtime_ns)


def missing_message(serving_dir: Path) -> str:
    return (
        f"No published serving copy at {serving_dir / SERVING_FILE}. Build and publish it first: "
        f"`make build` (dbt build, quality checkpoints, publish), or `segmentation publish "
        f"--serving-dir {serving_dir}` after a passing `dbt build`."
    )


def check_serving_copy(serving_dir: Path) -> str | None:
    """None when `serving_dir` holds a published copy; else the message saying why not."""
    path = serving_dir / SERVING_FILE
    if not path.is_file():
        return missing_message(serving_dir)
    try:
        connection = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as error:
        return f"Cannot open the serving copy {path} read-only: {error}"
    try:
        row = connection.execute(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = 'publication'",
            [SERVING_SCHEMA],
        ).fetchone()
        if not row or row[0] == 0:
            return (
                f"{path} is not a published serving copy (no {SERVING_SCHEMA}.publication): run `segmentation publish`"
            )
    finally:
        connection.close()
    return None


def load(serving_dir: Path) -> ServingData:
    """Every dashboard table from the serving copy in `serving_dir`; ServingCopyMissingError when there is none."""
    problem = check_serving_copy(serving_dir)
    if problem is not None:
        raise ServingCopyMissingError(problem)
    path = serving_dir / SERVING_FILE
    connection = duckdb.connect(str(path), read_only=True)
    try:
        present = {
            row[0]
            for row in connection.execute(
                "select table_name from information_schema.tables where table_schema = ?", [MARTS_SCHEMA]
            ).fetchall()
        }
        missing = [name for name in TABLES.values() if name not in present]
        if missing:
            raise ServingCopyMissingError(f"{path} has no {', '.join(missing)}: publish it again with this version")
        publication_frame = connection.execute(f"select * from {SERVING_SCHEMA}.publication").df()
        publication = publication_frame.iloc[0].to_dict() if len(publication_frame) else {}
        frames = {key: connection.execute(f"select * from {MARTS_SCHEMA}.{name}").df() for key, name in TABLES.items()}
        optional = {
            key: connection.execute(f"select * from {MARTS_SCHEMA}.{name}").df()
            for key, name in OPTIONAL_TABLES.items()
            if name in present
        }
    finally:
        connection.close()
    for frame in [*frames.values(), *optional.values()]:
        for column in frame.columns:
            if (column.endswith(("_month", "_date")) and frame[column].dtype == object) or column.endswith(
                ("_month", "_date")
            ):
                frame[column] = pd.to_datetime(frame[column])
    return ServingData(path=path, publication=publication, **frames, **optional)
