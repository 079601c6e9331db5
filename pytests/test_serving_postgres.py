"""Publish from PostgreSQL: the schema swap in one transaction and the read-only role `segmentation_reader`.

A PostgreSQL server of our own (Debian's package, initdb in a temporary folder, 127.0.0.1, a free port;
stopped afterwards) holds the demo marts, loaded from the published demo copy, plus an `audit` and a `raw`
table. Publish stages, audits and swaps `serving`; the reader role reads it and nothing else.
"""

from __future__ import annotations

import json
import shutil
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pytest

from conftest import Build
from segmentation.serving import PUBLISHED_TABLES, SERVING_FILE
from segmentation.serving.postgres import READER_PASSWORD_ENV, PostgresPublishOptions, duckdb_type, publish_postgres

PG_TYPES = {"VARCHAR": "text", "BIGINT": "bigint", "INTEGER": "integer", "DATE": "date", "BOOLEAN": "boolean"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def postgres() -> Iterator[object]:
    from segmentation.engines import postgres as engine

    data_dir = Path(tempfile.mkdtemp(prefix="segmentation-pg-"))
    data_dir.chmod(0o755)
    settings = engine.up(engine.Settings(port=free_port(), database="segmentation_serving", data_dir=data_dir))
    try:
        yield settings
    finally:
        engine.down(settings)
        shutil.rmtree(data_dir, ignore_errors=True)


def _pg_type(duck_type: str) -> str:
    if duck_type.startswith("DECIMAL"):
        return duck_type.replace("DECIMAL", "numeric")
    if duck_type.startswith("TIMESTAMP"):
        return "timestamp"
    return PG_TYPES.get(duck_type, "text")


def load_marts(settings: object, serving_dir: Path, tmp_path: Path) -> None:
    """The demo marts into PostgreSQL schema marts (types kept), plus intermediate/audit/raw tables."""
    from segmentation.engines.postgres import connect

    duck = duckdb.connect(str(serving_dir / SERVING_FILE), read_only=True)
    connection = connect(settings)
    try:
        with connection.cursor() as cursor:
            for schema in ("marts", "intermediate", "audit", "raw"):
                cursor.execute(f"drop schema if exists {schema} cascade; create schema {schema}")
            names = [t.name for t in PUBLISHED_TABLES if t.required]
            for name in names:
                columns = duck.execute(
                    "select column_name, data_type from information_schema.columns "
                    "where table_schema = 'marts' and table_name = ? order by ordinal_position",
                    [name],
                ).fetchall()
                cursor.execute(f"create table marts.{name} ({', '.join(f'{c} {_pg_type(t)}' for c, t in columns)})")
                path = tmp_path / f"{name}.csv"
                duck.execute(f"copy marts.{name} to '{path}' (header, nullstr '')")
                with path.open() as handle:
                    cursor.copy_expert(f"copy marts.{name} from stdin with (format csv, header)", handle)
            as_of = duck.execute(
                "select as_of_date, as_of_month, reporting_currency from serving.publication"
            ).fetchone()
            cursor.execute(
                "create table intermediate.int_as_of_dates as select %s::date as as_of_date, "
                "%s::date as as_of_month, %s::text as reporting_currency",
                as_of,
            )
            cursor.execute("create table audit.rejected_transactions as select 'x'::text as reason")
            cursor.execute("create table raw.raw_transactions as select 'INV-1'::text as invoice_id")
        connection.commit()
    finally:
        connection.close()
        duck.close()


def target_of(settings: object) -> SimpleNamespace:
    credentials = SimpleNamespace(
        host="127.0.0.1", port=settings.port, user=settings.user, password=settings.password, database=settings.database
    )
    return SimpleNamespace(name="postgres", type="postgres", credentials=credentials)


def run_results_for(build: Build, database: str, tmp_path: Path) -> Path:
    data = json.loads((build.work_dir / "target" / "run_results.json").read_text())
    for result in data["results"]:
        if result.get("relation_name"):
            result["relation_name"] = result["relation_name"].replace('"warehouse"', f'"{database}"')
    path = tmp_path / "run_results.json"
    path.write_text(json.dumps(data))
    return path


def test_schema_swap_and_reader_role(
    postgres: object, demo_build: Build, demo_serving: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import psycopg2

    from segmentation.engines.postgres import connect

    load_marts(postgres, demo_serving, tmp_path)
    monkeypatch.setenv(READER_PASSWORD_ENV, "reader-secret")
    serving_dir = tmp_path / "serving"
    options = PostgresPublishOptions(
        target=target_of(postgres),
        serving_dir=serving_dir,
        run_results=run_results_for(demo_build, postgres.database, tmp_path),
    )
    first = publish_postgres(options)

    def as_reader():
        return psycopg2.connect(
            host="127.0.0.1",
            port=postgres.port,
            user="segmentation_reader",
            password="reader-secret",
            dbname=postgres.database,
            connect_timeout=5,
        )

    reader = as_reader()
    reader.autocommit = True
    with reader.cursor() as cursor:
        cursor.execute("select publication_id from serving.publication")
        assert cursor.fetchone()[0] == first.publication_id
        cursor.execute("select count(*), sum(revenue) from serving.mart_monthly_revenue")
        rows, revenue = cursor.fetchone()
        assert rows == first.row_counts["mart_monthly_revenue"] > 0
        for forbidden in (
            "select count(*) from marts.dim_customers",
            "select count(*) from audit.rejected_transactions",
            "select count(*) from raw.raw_transactions",
            "create table serving.x (a int)",
            "create table public.x (a int)",
            "create temporary table x (a int)",
            "create schema mine",
        ):
            with pytest.raises(psycopg2.errors.InsufficientPrivilege):
                cursor.execute(forbidden)

    # The DuckDB copy of the same publication, decimals exact.
    with duckdb.connect(str(serving_dir / SERVING_FILE), read_only=True) as duck:
        served = duck.execute("select publication_id, source_engine from serving.publication").fetchone()
        assert served == (first.publication_id, "postgres")
        assert duck.execute("select sum(revenue) from marts.mart_monthly_revenue").fetchone()[0] == revenue
        assert json.loads(duck.execute("select row_counts from serving.publication").fetchone()[0]) == first.row_counts

    # A reader in the middle of a transaction on the published tables does not hold the swap up; its next
    # statement after its transaction sees the new publication.
    holder = as_reader()
    with holder.cursor() as cursor:
        cursor.execute("select count(*) from serving.dim_customers")
        second = publish_postgres(options)
        assert second.publication_id != first.publication_id
    holder.rollback()
    with holder.cursor() as cursor:
        cursor.execute("select publication_id from serving.publication")
        assert cursor.fetchone()[0] == second.publication_id
    holder.close()
    reader.close()

    owner = connect(postgres)
    with owner.cursor() as cursor:
        cursor.execute("select nspname from pg_namespace where nspname like 'serving%' order by 1")
        assert [row[0] for row in cursor.fetchall()] in (["serving"], ["serving", "serving__previous"])
    owner.close()


def test_duckdb_types_of_postgres_columns() -> None:
    assert duckdb_type("numeric", 38, 10) == "DECIMAL(38,10)"
    assert duckdb_type("bigint", None, None) == "BIGINT"
    assert duckdb_type("text", None, None) == "VARCHAR"
    assert duckdb_type("timestamp without time zone", None, None) == "TIMESTAMP"
