"""Publish from a PostgreSQL build target: an in-database schema swap plus the DuckDB / Parquet serving copy.

1. write: every BI mart of schema `marts` is copied into the staging schema `serving__staging`, in ONE
   repeatable-read transaction (one snapshot of the marts), with `publication` and `published_tables`;
2. audit: the last dbt build passed and is the build of this database (run_results.json), the staged row
   counts equal the recorded ones, and the revenue identity holds (monthly mart = account months). The
   Great Expectations checkpoints read DuckDB files: on PostgreSQL the audit is dbt's tests plus these;
3. publish: in one transaction (lock_timeout, so it never queues behind readers for long) the read-only role
   `segmentation_reader` gets USAGE on the new schema and SELECT on its tables, `serving` is renamed away
   and `serving__staging` renamed to `serving`; the old schema is dropped afterwards when no reader holds
   it (else by the next publish). The role can read `serving` only: no USAGE on `marts`, `audit`, `raw` or
   any other schema, and no CREATE or TEMP anywhere.
4. the same tables go to DIR/segmentation.duckdb and DIR/parquet/ through the DuckDB publish's swap.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from segmentation.serving import MARTS_SCHEMA, PUBLISHED_TABLES, STORAGE_VERSION
from segmentation.serving.build_record import BuildCheckError, read_build_record
from segmentation.serving.publish import (
    Publication,
    PublishError,
    PublishOptions,
    git_commit,
    say,
    swap_in,
    write_publication_tables,
)

PUBLISHED_SCHEMA = "serving"
STAGING_SCHEMA = "serving__staging"
PREVIOUS_SCHEMA = "serving__previous"
READER_ROLE = "segmentation_reader"
READER_PASSWORD_ENV = "SEGMENTATION_READER_PASSWORD"


@dataclass
class PostgresPublishOptions:
    target: Any
    serving_dir: Path
    run_results: Path
    quality: bool = True
    allow_partial_build: bool = False
    storage_version: str = STORAGE_VERSION
    lock_timeout_ms: int = 5000


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def duckdb_type(data_type: str, precision: int | None, scale: int | None) -> str:
    """DuckDB column type of a PostgreSQL information_schema column."""
    kind = data_type.lower()
    if kind == "numeric":
        if precision is None:
            return "DECIMAL(38,12)"
        return f"DECIMAL({min(precision, 38)},{min(scale or 0, 38)})"
    return {
        "bigint": "BIGINT",
        "integer": "INTEGER",
        "smallint": "SMALLINT",
        "boolean": "BOOLEAN",
        "date": "DATE",
        "timestamp without time zone": "TIMESTAMP",
        "timestamp with time zone": "TIMESTAMPTZ",
        "double precision": "DOUBLE",
        "real": "FLOAT",
    }.get(kind, "VARCHAR")


def connect(credentials: Any):
    import psycopg2

    return psycopg2.connect(
        host=credentials.host,
        port=credentials.port,
        user=credentials.user,
        password=credentials.password,
        dbname=credentials.database,
        connect_timeout=10,
    )


def ensure_reader_role(cursor: Any, database: str) -> None:
    """`segmentation_reader`: no privileges of its own but those granted on `serving`; no TEMP, no CREATE."""
    cursor.execute("select 1 from pg_roles where rolname = %s", (READER_ROLE,))
    if cursor.fetchone() is None:
        cursor.execute(f"create role {READER_ROLE} nologin")
    password = os.environ.get(READER_PASSWORD_ENV)
    if password:
        cursor.execute(f"alter role {READER_ROLE} login password %s", (password,))
    cursor.execute(f"alter role {READER_ROLE} nosuperuser nocreatedb nocreaterole noinherit")
    # PUBLIC may create temporary tables and use `public` by default: taken away from PUBLIC (the
    # database owner, who builds, keeps everything).
    cursor.execute(f"revoke temporary on database {_ident(database)} from public")
    cursor.execute("revoke create on schema public from public")
    cursor.execute(f"revoke all on schema public from {READER_ROLE}")


def publish_postgres(options: PostgresPublishOptions) -> Publication:
    started = time.monotonic()
    credentials = options.target.credentials
    database = credentials.database
    try:
        build = read_build_record(options.run_results, database, None, options.allow_partial_build)
    except BuildCheckError as error:
        raise PublishError(f"refused: {error}") from error
    say(f"target {options.target.name} (postgres {credentials.host}:{credentials.port}/{database})")
    connection = connect(credentials)
    publication: Publication | None = None
    publication_id = f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"
    try:
        with connection.cursor() as cursor:
            # --- write: one snapshot of the marts into the staging schema ---
            connection.set_session(isolation_level="REPEATABLE READ")
            cursor.execute("select table_name from information_schema.tables where table_schema = %s", (MARTS_SCHEMA,))
            present = {row[0] for row in cursor.fetchall()}
            missing = [t.name for t in PUBLISHED_TABLES if t.required and t.name not in present]
            if missing:
                raise PublishError(f"refused: {database} has no {', '.join(f'marts.{m}' for m in missing)}")
            tables = [t.name for t in PUBLISHED_TABLES if t.name in present]
            cursor.execute(f"drop schema if exists {STAGING_SCHEMA} cascade")
            cursor.execute(f"create schema {STAGING_SCHEMA}")
            row_counts: dict[str, int] = {}
            for name in tables:
                cursor.execute(
                    f"create table {STAGING_SCHEMA}.{_ident(name)} as select * from {MARTS_SCHEMA}.{_ident(name)}"
                )
                row_counts[name] = cursor.rowcount
            cursor.execute("select as_of_date, as_of_month, reporting_currency from intermediate.int_as_of_dates")
            as_of = cursor.fetchone() or (None, None, None)
            cursor.execute(
                f"create table {STAGING_SCHEMA}.publication (publication_id text not null, published_at timestamp "
                "not null, as_of_date date, as_of_month date, reporting_currency text, vars_digest text not null, "
                "vars_json text not null, git_commit text, dbt_invocation_id text not null, source_engine text not "
                "null, tables integer not null, row_counts text not null)"
            )
            cursor.execute(
                f"insert into {STAGING_SCHEMA}.publication values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                (
                    publication_id,
                    dt.datetime.now(dt.UTC).replace(tzinfo=None),
                    *as_of,
                    build.vars_digest,
                    json.dumps(build.vars, sort_keys=True, default=str),
                    git_commit(),
                    build.invocation_id,
                    "postgres",
                    len(row_counts),
                    json.dumps(row_counts, sort_keys=True),
                ),
            )
            connection.commit()
            connection.set_session(isolation_level="READ COMMITTED")
            # --- audit ---
            for name, recorded in row_counts.items():
                cursor.execute(f"select count(*) from {STAGING_SCHEMA}.{_ident(name)}")
                if cursor.fetchone()[0] != recorded:
                    raise PublishError(f"refused: {STAGING_SCHEMA}.{name} does not hold the rows copied", 2)
            cursor.execute(
                f"select (select coalesce(sum(revenue), 0) from {STAGING_SCHEMA}.mart_monthly_revenue) - "
                f"(select coalesce(sum(revenue), 0) from {STAGING_SCHEMA}.fct_customer_months)"
            )
            if abs(float(cursor.fetchone()[0])) > 0.01:
                raise PublishError("refused: mart_monthly_revenue does not add up to fct_customer_months")
            say(f"audit: dbt build {build.invocation_id} passed; {len(tables)} tables staged in {STAGING_SCHEMA}")
            # --- the DuckDB / Parquet copy, built from the staged schema ---
            publication = _write_duckdb_copy(
                cursor, options, build, tables, row_counts, tuple(as_of), publication_id, started
            )
            # --- publish: swap the schemas in one transaction ---
            cursor.execute(f"set lock_timeout = {int(options.lock_timeout_ms)}")
            ensure_reader_role(cursor, database)
            cursor.execute(f"grant usage on schema {STAGING_SCHEMA} to {READER_ROLE}")
            cursor.execute(f"grant select on all tables in schema {STAGING_SCHEMA} to {READER_ROLE}")
            cursor.execute(f"drop schema if exists {PREVIOUS_SCHEMA} cascade")
            cursor.execute("select 1 from pg_namespace where nspname = %s", (PUBLISHED_SCHEMA,))
            if cursor.fetchone() is not None:
                cursor.execute(f"alter schema {PUBLISHED_SCHEMA} rename to {PREVIOUS_SCHEMA}")
            cursor.execute(f"alter schema {STAGING_SCHEMA} rename to {PUBLISHED_SCHEMA}")
            connection.commit()
            say(f"published schema {PUBLISHED_SCHEMA} in {database} (readable by role {READER_ROLE})")
            try:
                cursor.execute(f"drop schema if exists {PREVIOUS_SCHEMA} cascade")
                connection.commit()
            except Exception:  # a reader still holds the old tables: the next publish drops them
                connection.rollback()
        swap_in(publication)
        return publication
    except Exception as error:
        connection.rollback()
        if publication is not None and publication.tmp_file is not None and publication.tmp_file.exists():
            publication.tmp_file.unlink(missing_ok=True)
            import shutil

            shutil.rmtree(publication.parquet_version or "", ignore_errors=True)
        if isinstance(error, PublishError):
            raise
        raise PublishError(f"publishing from PostgreSQL failed: {error}", 2) from error
    finally:
        connection.close()


def _write_duckdb_copy(
    cursor: Any,
    options: PostgresPublishOptions,
    build: Any,
    tables: list[str],
    row_counts: dict[str, int],
    as_of: tuple,
    publication_id: str,
    started: float,
) -> Publication:
    """The staged tables into a temporary DuckDB file (declared types) and Parquet folder, not yet swapped."""
    serving_dir = options.serving_dir.resolve()
    serving_dir.mkdir(parents=True, exist_ok=True)
    from segmentation.serving.publish import PARQUET_VERSION_PREFIX, TMP_PREFIX

    tmp_file = serving_dir / f"{TMP_PREFIX}{publication_id}"
    parquet_version = serving_dir / f"{PARQUET_VERSION_PREFIX}{publication_id}"
    parquet_version.mkdir()
    duck = duckdb.connect(":memory:")
    try:
        duck.execute(f"attach '{tmp_file}' as serving_new (storage_version '{options.storage_version}')")
        duck.execute(f"create schema serving_new.{MARTS_SCHEMA}")
        with tempfile.TemporaryDirectory() as scratch:
            for name in tables:
                cursor.execute(
                    "select column_name, data_type, numeric_precision, numeric_scale from information_schema.columns "
                    "where table_schema = %s and table_name = %s order by ordinal_position",
                    (STAGING_SCHEMA, name),
                )
                columns = cursor.fetchall()
                path = Path(scratch) / f"{name}.csv"
                with path.open("w", newline="") as handle:
                    cursor.copy_expert(
                        f"copy (select * from {STAGING_SCHEMA}.{_ident(name)}) to stdout with (format csv, header)",
                        handle,
                    )
                types = ", ".join(f"'{c}': '{duckdb_type(t, p, s)}'" for c, t, p, s in columns)
                duck.execute(
                    f"create table serving_new.{MARTS_SCHEMA}.{_ident(name)} as select * from read_csv("
                    f"'{path}', header = true, auto_detect = false, allow_quoted_nulls = false, "
                    f"columns = {{{types}}})"
                )
                duck.execute(
                    f"copy serving_new.{MARTS_SCHEMA}.{_ident(name)} to '{parquet_version / (name + '.parquet')}' "
                    "(format parquet, compression zstd)"
                )
                say(f"  marts.{name}: {row_counts[name]:,} rows")
        published_at = dt.datetime.now(dt.UTC)
        duck_options = PublishOptions(
            serving_dir=serving_dir,
            warehouse=Path(f"postgresql://{options.target.credentials.host}:{options.target.credentials.port}"),
            run_results=options.run_results,
            quality=False,
            storage_version=options.storage_version,
            target=options.target.name,
        )
        write_publication_tables(
            duck, "serving_new", publication_id, published_at, build, as_of, row_counts, duck_options, "postgres"
        )
        duck.execute("detach serving_new")
    finally:
        duck.close()
    return Publication(
        publication_id=publication_id,
        published_at=published_at,
        serving_file=serving_dir / "segmentation.duckdb",
        parquet_dir=serving_dir / "parquet",
        row_counts=row_counts,
        as_of_date=as_of[0],
        seconds=time.monotonic() - started,
        tmp_file=tmp_file,
        parquet_version=parquet_version,
        record={"dbt_invocation_id": build.invocation_id, "vars_digest": build.vars_digest},
    )
