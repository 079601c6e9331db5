"""dbt builds on the project's standalone Spark cluster (`--target spark`), read back without a JVM.

Each build has its own metastore and table folder (SPARK_METASTORE_DIR / SPARK_WAREHOUSE_DIR under its
work dir), so builds never share state with a developer's `warehouse/spark` or with each other. The
tables dbt-spark writes are Parquet folders (`<warehouse>/<schema>.db/<table>/`); `query` reads them with
an in-memory DuckDB (a view per table, in a schema of the same name), so the DuckDB comparison helpers
run unchanged, no second Spark driver competes for the cluster's cores, and the test process never
holds the embedded (Derby) metastore, which takes one JVM at a time. `snapshot` copies the tables into a
DuckDB file, for a later dbt run on the same metastore overwrites them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import duckdb

from conftest import Build
from segmentation.dbt_runner import run_dbt
from segmentation.engines import spark


class SparkBuild(Build):
    """A dbt build of the project on Spark, with its own metastore and warehouse folder."""

    def __init__(self, work_dir: Path, dbt_vars: Mapping[str, Any] | None = None) -> None:
        super().__init__(work_dir, dbt_vars)
        self.warehouse_dir = work_dir / "spark-warehouse"
        self.metastore_dir = work_dir / "spark-metastore"

    @property
    def env(self) -> dict[str, str]:
        settings = spark.ClusterSettings.from_env()
        return {
            **settings.exports(),
            "SPARK_WAREHOUSE_DIR": str(self.warehouse_dir),
            "SPARK_METASTORE_DIR": str(self.metastore_dir),
            "DBT_TARGET": "spark",
        }

    def dbt(self, *args: str, check: bool = True):
        return run_dbt(
            list(args), self.database, self.dbt_vars, work_dir=self.work_dir, check=check, extra_env=self.env
        )

    def tables(self) -> dict[tuple[str, str], Path]:
        """(schema, table) -> folder of every table with data files."""
        found = {}
        for schema_dir in sorted(self.warehouse_dir.glob("*.db")):
            for table_dir in sorted(path for path in schema_dir.iterdir() if path.is_dir()):
                if any(table_dir.rglob("*.parquet")):
                    found[(schema_dir.name.removesuffix(".db"), table_dir.name)] = table_dir
        return found

    def _attach_tables(self, connection: duckdb.DuckDBPyConnection, kind: str = "view") -> None:
        """A view (or table copy) per Spark table, in a schema of the same name."""
        for (schema, table), folder in self.tables().items():
            connection.execute(f'create schema if not exists "{schema}"')
            partitioned = any(path.is_dir() and "=" in path.name for path in folder.iterdir())
            files = f"{folder}/**/*.parquet" if partitioned else f"{folder}/*.parquet"
            connection.execute(
                f'create {kind} "{schema}"."{table}" as select * from read_parquet(\'{files}\', '
                f"hive_partitioning = {str(partitioned).lower()})"
            )

    def query(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple[Any, ...]]:
        with duckdb.connect() as connection:
            self._attach_tables(connection)
            return connection.execute(sql, params or []).fetchall()

    def snapshot(self, work_dir: Path) -> Build:
        """Copy every table of this build, as it is now, into a DuckDB file: a `Build` to query later (a next
        dbt run on this metastore overwrites the tables)."""
        work_dir.mkdir(parents=True, exist_ok=True)
        copy = Build(work_dir)
        with duckdb.connect(str(copy.database)) as connection:
            self._attach_tables(connection, kind="table")
        return copy
