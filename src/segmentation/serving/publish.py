"""Write-audit-publish of the marts into the read-only serving copy.

1. **Write**: nothing is written where readers look. The new copy is built under a temporary name in the
   serving folder (`.segmentation.duckdb.tmp-<id>`, `parquet.<id>/`).
2. **Audit**: before anything is copied, the last `dbt build` must have passed and be the build of this
   warehouse (build_record), and the quality checkpoints (`segmentation quality --database W`, with
   `--baseline` = the last published copy when the quality command supports it) must pass on the very
   warehouse that is copied: publish holds a read-only connection to it from the audit to the end of the
   copy, so no writer can change it in between (DuckDB lets no writer in while a reader holds the file).
3. **Publish**: `os.replace` swaps the new file in (an atomic rename on one file system). A reader that has
   the old file open keeps reading its snapshot (the old inode lives until it closes); a new connection
   opens the new file. The Parquet folder `parquet` is a symlink swapped the same way. Publish never opens
   the published file, so it never waits on readers nor fails because of them.

On any refusal or error the serving folder is left byte-identical (temporary files are removed) and the
exit code is non-zero.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from segmentation import PROJECT_DIR
from segmentation.serving import (
    MARTS_SCHEMA,
    PARQUET_DIR,
    PUBLISHED_TABLES,
    SERVING_FILE,
    SERVING_SCHEMA,
    STORAGE_VERSION,
)
from segmentation.serving.build_record import BuildCheckError, BuildRecord, read_build_record

LOCK_FILE = ".publish.lock"
TMP_PREFIX = f".{SERVING_FILE}.tmp-"
PARQUET_VERSION_PREFIX = f"{PARQUET_DIR}."
#: Parquet folders kept besides the current one (a reader that resolved the symlink just before a swap).
KEEP_PARQUET_VERSIONS = 1


class PublishError(Exception):
    """Publish refused or failed; the serving copy is unchanged. `exit_code` 1 = audit refused, 2 = error."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass
class PublishOptions:
    serving_dir: Path
    warehouse: Path
    run_results: Path
    quality: bool = True
    quality_args: Sequence[str] = ()
    allow_partial_build: bool = False
    storage_version: str = STORAGE_VERSION
    target: str = "dev"
    memory_limit: str = field(default_factory=lambda: os.environ.get("DUCKDB_MEMORY_LIMIT", "4GB"))
    threads: int = field(default_factory=lambda: int(os.environ.get("DUCKDB_THREADS", "2")))


@dataclass
class Publication:
    publication_id: str
    published_at: dt.datetime
    serving_file: Path
    parquet_dir: Path
    row_counts: dict[str, int]
    as_of_date: dt.date | None
    seconds: float
    # A publication written but not swapped in yet (PostgreSQL path): see swap_in.
    tmp_file: Path | None = None
    parquet_version: Path | None = None
    record: dict[str, object] = field(default_factory=dict)


def say(message: str) -> None:
    print(f"publish: {message}", flush=True)


def git_commit(project_dir: Path = PROJECT_DIR) -> str | None:
    """HEAD of the project checkout, with `-dirty` when tracked files differ from it; None outside git."""
    try:
        head = subprocess.run(
            ["git", "-C", str(project_dir), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(project_dir), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return f"{head}-dirty" if dirty else head


# --- the serving folder ----------------------------------------------------------------------------


@contextlib.contextmanager
def publish_lock(serving_dir: Path) -> Iterator[None]:
    """One publish at a time per serving folder (readers never take this lock)."""
    serving_dir.mkdir(parents=True, exist_ok=True)
    with open(serving_dir / LOCK_FILE, "a+") as handle:
        deadline = time.monotonic() + 600
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError as error:
                if time.monotonic() > deadline:
                    message = f"another publish into {serving_dir} has held its lock for 10 minutes"
                    raise PublishError(message, 2) from error
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def remove_leftovers(serving_dir: Path) -> None:
    """Temporary files of an interrupted publish, and Parquet folders no longer published (under the lock)."""
    for path in serving_dir.glob(f"{TMP_PREFIX}*"):
        path.unlink(missing_ok=True)
    for path in serving_dir.glob(f"{PARQUET_DIR}.tmp-*"):
        path.unlink(missing_ok=True)
    link = serving_dir / PARQUET_DIR
    current = os.readlink(link) if link.is_symlink() else None
    versions = sorted(
        (p for p in serving_dir.glob(f"{PARQUET_VERSION_PREFIX}*") if p.is_dir() and p.name != current),
        key=lambda p: p.stat().st_mtime,
    )
    for stale in versions[: max(0, len(versions) - KEEP_PARQUET_VERSIONS)]:
        shutil.rmtree(stale, ignore_errors=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# --- audit -----------------------------------------------------------------------------------------


def quality_supports(option: str) -> bool:
    """Whether this checkout's `segmentation quality` has an option (the baseline comparison is recent)."""
    from segmentation.cli import build_parser

    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.dest == "command")
    return option in subparsers.choices["quality"]._option_string_actions


def run_quality_gate(options: PublishOptions, build: BuildRecord) -> None:
    """`segmentation quality --database W [--baseline LAST] [--vars BUILD_VARS]` in a child process.

    The baseline is the serving copy about to be replaced; the vars are the build's own, so the thresholds
    are the ones the build ran with. PublishError when it does not pass.
    """
    command = [sys.executable, "-m", "segmentation.cli", "quality", "--database", str(options.warehouse)]
    baseline = options.serving_dir / SERVING_FILE
    if baseline.is_file() and quality_supports("--baseline"):
        command += ["--baseline", str(baseline)]
    if build.vars and quality_supports("--vars"):
        command += ["--vars", json.dumps(build.vars, default=str)]
    command += list(options.quality_args)
    say(f"audit: {' '.join(command[2:])}")
    completed = subprocess.run(command, cwd=PROJECT_DIR, check=False)
    if completed.returncode != 0:
        raise PublishError(
            f"refused: the quality checkpoints did not pass on {options.warehouse} "
            f"(`segmentation quality` exit {completed.returncode}, verdicts above)"
        )


# --- write -----------------------------------------------------------------------------------------


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def warehouse_relations(connection: duckdb.DuckDBPyConnection, catalog: str) -> set[str]:
    rows = connection.execute(
        "select table_name from information_schema.tables where table_catalog = ? and table_schema = ?",
        [catalog, MARTS_SCHEMA],
    ).fetchall()
    return {row[0] for row in rows}


def _utc_naive(value: dt.datetime) -> dt.datetime:
    """Timestamps are stored as UTC without a zone: BI clients then need no time-zone library."""
    return value.astimezone(dt.UTC).replace(tzinfo=None)


def write_publication_tables(
    connection: duckdb.DuckDBPyConnection,
    alias: str,
    publication_id: str,
    published_at: dt.datetime,
    build: BuildRecord,
    as_of: tuple[dt.date | None, dt.date | None, str | None],
    row_counts: dict[str, int],
    options: PublishOptions,
    source: str,
) -> None:
    schema = f"{alias}.{SERVING_SCHEMA}"
    connection.execute(f"create schema {schema}")
    connection.execute(
        f"""
        create table {schema}.publication (
            publication_id varchar not null,
            published_at timestamp not null,
            as_of_date date,
            as_of_month date,
            reporting_currency varchar,
            vars_digest varchar not null,
            vars_json varchar not null,
            git_commit varchar,
            dbt_invocation_id varchar not null,
            dbt_build_started_at timestamp,
            dbt_build_finished_at timestamp,
            dbt_version varchar,
            dbt_nodes integer,
            dbt_target varchar,
            source_engine varchar not null,
            source_warehouse varchar not null,
            quality_checked boolean not null,
            storage_version varchar not null,
            tables integer not null,
            row_counts varchar not null
        )
        """
    )
    connection.execute(
        f"insert into {schema}.publication values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            publication_id,
            _utc_naive(published_at),
            as_of[0],
            as_of[1],
            as_of[2],
            build.vars_digest,
            json.dumps(build.vars, sort_keys=True, default=str),
            git_commit(),
            build.invocation_id,
            _utc_naive(build.started_at),
            _utc_naive(build.generated_at),
            build.dbt_version,
            build.nodes,
            options.target,
            source,
            str(options.warehouse),
            options.quality,
            options.storage_version,
            len(row_counts),
            json.dumps(row_counts, sort_keys=True),
        ],
    )
    connection.execute(
        f"""
        create table {schema}.published_tables (
            publication_id varchar not null,
            table_schema varchar not null,
            table_name varchar not null,
            row_count bigint not null,
            parquet_file varchar not null
        )
        """
    )
    for name, count in sorted(row_counts.items()):
        connection.execute(
            f"insert into {schema}.published_tables values (?, ?, ?, ?, ?)",
            [publication_id, MARTS_SCHEMA, name, count, f"{PARQUET_DIR}/{name}.parquet"],
        )


def publish(options: PublishOptions) -> Publication:
    """Audit the warehouse and publish its marts; raise PublishError (serving copy unchanged) when refused."""
    started = time.monotonic()
    warehouse = options.warehouse.resolve()
    serving_dir = options.serving_dir.resolve()
    if not warehouse.is_file():
        raise PublishError(f"no warehouse at {warehouse}: run `make build` (or `dbt build`) first", 2)
    if serving_dir == warehouse.parent and warehouse.name == SERVING_FILE:
        raise PublishError(f"the serving copy cannot be the build file itself ({warehouse})", 2)
    catalog = warehouse.stem
    try:
        build = read_build_record(options.run_results, catalog, warehouse, options.allow_partial_build)
    except BuildCheckError as error:
        raise PublishError(f"refused: {error}") from error
    say(f"dbt build {build.invocation_id} passed ({build.nodes} nodes, finished {build.generated_at:%H:%M:%S} UTC)")

    with publish_lock(serving_dir):
        remove_leftovers(serving_dir)
        # Held from the audit to the end of the copy: DuckDB keeps writers out while it is open.
        try:
            connection = duckdb.connect(
                ":memory:", config={"memory_limit": options.memory_limit, "threads": options.threads}
            )
            connection.execute(f"attach {_sql_text(str(warehouse))} as {_quote(catalog)} (read_only)")
            connection.execute(f"use {_quote(catalog)}")
        except duckdb.Error as error:
            raise PublishError(f"cannot open {warehouse} read-only: {error}", 2) from error
        publication_id = f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"
        tmp_file = serving_dir / f"{TMP_PREFIX}{publication_id}"
        parquet_version = serving_dir / f"{PARQUET_VERSION_PREFIX}{publication_id}"
        swapped = False
        try:
            try:
                present = warehouse_relations(connection, catalog)
                missing = [t.name for t in PUBLISHED_TABLES if t.required and t.name not in present]
                if missing:
                    raise PublishError(f"refused: {warehouse} has no {', '.join(f'marts.{m}' for m in missing)}")
                if options.quality:
                    run_quality_gate(options, build)
                else:
                    say("audit: quality checkpoints skipped (--no-quality)")
                tables = [t.name for t in PUBLISHED_TABLES if t.name in present]
                as_of = (None, None, None)
                as_of_row = connection.execute(
                    "select as_of_date, as_of_month, reporting_currency from intermediate.int_as_of_dates"
                ).fetchone()
                if as_of_row is not None:
                    as_of = (as_of_row[0], as_of_row[1], as_of_row[2])

                say(f"write: {len(tables)} tables into {tmp_file.name} (storage version {options.storage_version})")
                alias = "serving_new"
                version = _sql_text(options.storage_version)
                connection.execute(f"attach {_sql_text(str(tmp_file))} as {alias} (storage_version {version})")
                connection.execute(f"create schema {alias}.{MARTS_SCHEMA}")
                parquet_version.mkdir()
                row_counts: dict[str, int] = {}
                for name in tables:
                    source = f"{_quote(catalog)}.{MARTS_SCHEMA}.{_quote(name)}"
                    connection.execute(f"create table {alias}.{MARTS_SCHEMA}.{_quote(name)} as select * from {source}")
                    connection.execute(
                        f"copy {alias}.{MARTS_SCHEMA}.{_quote(name)} to "
                        f"{_sql_text(str(parquet_version / f'{name}.parquet'))} (format parquet, compression zstd)"
                    )
                    count = connection.execute(f"select count(*) from {alias}.{MARTS_SCHEMA}.{_quote(name)}").fetchone()
                    row_counts[name] = int(count[0]) if count else 0
                    say(f"  marts.{name}: {row_counts[name]:,} rows")
                published_at = dt.datetime.now(dt.UTC)
                write_publication_tables(
                    connection, alias, publication_id, published_at, build, as_of, row_counts, options, "duckdb"
                )
                connection.execute(f"detach {alias}")
            except PublishError:
                raise
            except duckdb.Error as error:
                raise PublishError(f"writing the serving copy failed: {error}", 2) from error
            finally:
                connection.close()
            record = {
                "publication_id": publication_id,
                "published_at": published_at.isoformat(),
                "as_of_date": as_of[0].isoformat() if as_of[0] else None,
                "row_counts": row_counts,
                "dbt_invocation_id": build.invocation_id,
                "vars_digest": build.vars_digest,
            }
            (parquet_version / "_publication.json").write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")
            wal = Path(f"{tmp_file}.wal")
            if wal.exists():
                raise PublishError(f"the new serving copy {tmp_file} kept a write-ahead log: not swapped in", 2)
            _fsync(tmp_file)
            # --- publish: two atomic renames (Parquet symlink, then the DuckDB file readers open) ---
            link_tmp = serving_dir / f"{PARQUET_DIR}.tmp-{publication_id}"
            link_tmp.symlink_to(parquet_version.name)
            link = serving_dir / PARQUET_DIR
            if link.exists() and not link.is_symlink():
                shutil.rmtree(link)  # a folder from an older layout
            os.replace(link_tmp, link)
            os.replace(tmp_file, serving_dir / SERVING_FILE)
            swapped = True
            _fsync(serving_dir)
        finally:
            if not swapped:
                tmp_file.unlink(missing_ok=True)
                Path(f"{tmp_file}.wal").unlink(missing_ok=True)
                link = serving_dir / PARQUET_DIR
                if not (link.is_symlink() and os.readlink(link) == parquet_version.name):
                    shutil.rmtree(parquet_version, ignore_errors=True)
        remove_leftovers(serving_dir)
    return Publication(
        publication_id=publication_id,
        published_at=published_at,
        serving_file=serving_dir / SERVING_FILE,
        parquet_dir=serving_dir / PARQUET_DIR,
        row_counts=row_counts,
        as_of_date=as_of[0],
        seconds=time.monotonic() - started,
    )


def swap_in(publication: Publication) -> None:
    """Swap a written, not yet published copy in (Parquet symlink, then the DuckDB file); removed on failure."""
    assert publication.tmp_file is not None and publication.parquet_version is not None
    serving_dir = publication.tmp_file.parent
    tmp_file, parquet_version = publication.tmp_file, publication.parquet_version
    swapped = False
    with publish_lock(serving_dir):
        try:
            record = {
                "publication_id": publication.publication_id,
                "published_at": publication.published_at.isoformat(),
                "as_of_date": publication.as_of_date.isoformat() if publication.as_of_date else None,
                "row_counts": publication.row_counts,
                **publication.record,
            }
            (parquet_version / "_publication.json").write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")
            if Path(f"{tmp_file}.wal").exists():
                raise PublishError(f"the new serving copy {tmp_file} kept a write-ahead log: not swapped in", 2)
            _fsync(tmp_file)
            link_tmp = serving_dir / f"{PARQUET_DIR}.tmp-{publication.publication_id}"
            link_tmp.symlink_to(parquet_version.name)
            link = serving_dir / PARQUET_DIR
            if link.exists() and not link.is_symlink():
                shutil.rmtree(link)
            os.replace(link_tmp, link)
            os.replace(tmp_file, serving_dir / SERVING_FILE)
            swapped = True
            _fsync(serving_dir)
        finally:
            if not swapped:
                tmp_file.unlink(missing_ok=True)
                shutil.rmtree(parquet_version, ignore_errors=True)
        remove_leftovers(serving_dir)
