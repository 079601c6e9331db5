"""A Great Expectations data source for a DuckDB file, working around two duckdb-engine gaps.

GX 1.24 validates SQL data through SQLAlchemy. With duckdb-engine 0.17 two things go wrong:

1. **Every metric comes back empty.** `SqlAlchemyExecutionEngine.execute_query` runs a query inside
   `with engine.connect() as connection:` and returns the *unfetched* result; the caller fetches it after the
   block has closed the connection. Closing rolls the transaction back, and on DuckDB a `ROLLBACK` on the
   connection discards its pending result, so the fetch sees no rows and every expectation "fails" with an
   empty result. GX already keeps one connection open for the dialects it lists as needing a persisted
   connection (SQLite, SQL Server, BigQuery, Databricks: `get_connection` in
   `great_expectations/execution_engine/sqlalchemy_execution_engine.py`). `DuckDBExecutionEngine` does the
   same for DuckDB by overriding `get_connection`, the documented hook the engine routes every query
   through: one connection for the engine's lifetime, opened on first use, so a result is fetched before the
   next statement runs on that connection. A failing statement is rolled back at once (DuckDB otherwise
   refuses every later statement of the aborted transaction).
2. **Column reflection fails.** duckdb-engine reflects columns with PostgreSQL catalog queries that join
   `pg_catalog.pg_collation`, which DuckDB 2.0 does not have; GX then falls back to `select * from <table>`
   *without* the schema, which does not resolve. `DuckDBExecutionEngine.get_inspector` wraps the SQLAlchemy
   inspector and answers `get_columns` / `get_pk_constraint` from DuckDB's `information_schema` instead.

Also, at interpreter exit, `_drop_duckdb_try_cast_compiler` unhooks duckdb-engine's `TRY_CAST` compiler from
SQLAlchemy: with GX loaded, that registration keeps duckdb-engine's module (and DuckDB objects) alive past
the end of DuckDB's bindings, which then print dozens of false "nanobind: leaked instance" lines.

`DuckDBDatasource` is a fluent SQL data source of type `duckdb` that uses this engine. Subclassing
`SQLDatasource` with a new `type` is GX's documented way to add a data source type: importing this module
registers it, so `context.data_sources.add_duckdb(...)` exists and a `type: duckdb` entry in
`gx/great_expectations.yml` loads. Import this module before loading the file context
(`segmentation.quality.context.load_context` does).

The warehouse is opened read-only (`connect_args: {read_only: true}` in the data source config), so the
checkpoints can run while other processes read the file, never while dbt writes it.
"""

from __future__ import annotations

import atexit
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal

import sqlalchemy as sa
from great_expectations.datasource.fluent import SQLDatasource
from great_expectations.execution_engine import SqlAlchemyExecutionEngine

__all__ = ["DuckDBDatasource", "DuckDBExecutionEngine"]


def _drop_duckdb_try_cast_compiler() -> None:
    dispatcher = getattr(sa.TryCast, "_compiler_dispatcher", None)
    if dispatcher is not None:
        dispatcher.specs.pop("duckdb", None)


atexit.register(_drop_duckdb_try_cast_compiler)


class _InformationSchemaInspector:
    """SQLAlchemy inspector whose column reflection reads DuckDB's `information_schema.columns`."""

    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine
        self._inspector = sa.inspect(engine)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inspector, name)

    def get_columns(self, table_name: str, schema: str | None = None, **_: Any) -> list[dict[str, Any]]:
        query = sa.text(
            "select column_name, data_type, is_nullable from information_schema.columns"
            " where table_name = :table and table_schema = coalesce(:schema, current_schema())"
            " order by ordinal_position"
        )
        with self._engine.connect() as connection:
            rows = connection.execute(query, {"table": str(table_name), "schema": schema}).fetchall()
        if not rows:
            raise sa.exc.NoSuchTableError(f"{schema}.{table_name}" if schema else str(table_name))
        type_names = self._engine.dialect.ischema_names
        return [
            {
                "name": name,
                "type": type_names.get(data_type.split("(")[0].lower(), sa.types.NullType)(),
                "nullable": nullable == "YES",
            }
            for name, data_type, nullable in rows
        ]

    def get_pk_constraint(self, table_name: str, schema: str | None = None, **_: Any) -> dict[str, Any]:
        return {"constrained_columns": [], "name": None}


class DuckDBExecutionEngine(SqlAlchemyExecutionEngine):
    """SqlAlchemyExecutionEngine for DuckDB: one persisted connection, reflection from information_schema."""

    @contextmanager
    def get_connection(self) -> Iterator[sa.Connection]:
        # Same as GX's branch for _PERSISTED_CONNECTION_DIALECTS: keep the connection (and its pending
        # result) alive instead of closing it at the end of the block. It is closed with the engine.
        if self._connection is None:
            self._connection = self.engine.connect()
        try:
            yield self._connection
        except Exception:
            # A failed statement aborts DuckDB's transaction, and on a shared connection every later
            # query would then fail with "Current transaction is aborted": roll back, so one broken
            # expectation (e.g. a missing column) does not take down the others.
            self._connection.rollback()
            raise

    def get_inspector(self) -> Any:
        if self._inspector is None:
            self._inspector = _InformationSchemaInspector(self.engine)  # type: ignore[assignment]
        return self._inspector

    def close(self) -> None:
        """Close the persisted connection and dispose of the engine's pool."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        self.engine.dispose()


class DuckDBDatasource(SQLDatasource):
    """A DuckDB database file, validated in place through SQL (see the module docstring)."""

    type: Literal["duckdb"] = "duckdb"  # type: ignore[assignment]

    @property
    def execution_engine_type(self) -> type[SqlAlchemyExecutionEngine]:
        return DuckDBExecutionEngine
