"""Shared fixtures: dbt builds into temporary DuckDB files (one writer per file, readers read-only after)."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import duckdb
import pytest

from segmentation import PROJECT_DIR
from segmentation.dbt_runner import run_dbt

SHARED_DATA = PROJECT_DIR.parent / "shared" / "data"


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> Path:
    """Write a CSV file the way a user would hand it over (all values as written)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def query(database: Path, sql: str, params: Sequence[Any] | None = None) -> list[tuple[Any, ...]]:
    """Run a read-only query against a built warehouse."""
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(sql, params or []).fetchall()


class Build:
    """A dbt build of the project into its own DuckDB file."""

    def __init__(self, work_dir: Path, dbt_vars: Mapping[str, Any] | None = None) -> None:
        self.work_dir = work_dir
        self.database = work_dir / "warehouse.duckdb"
        self.dbt_vars = dict(dbt_vars or {})

    def dbt(self, *args: str, check: bool = True):
        try:
            return run_dbt(list(args), self.database, self.dbt_vars, work_dir=self.work_dir, check=check)
        finally:
            # the session's demo build keeps the run_results.json of its `dbt build` (publish audits it)
            kept = getattr(self, "keep_run_results", None)
            if kept is not None:
                (self.work_dir / "target" / "run_results.json").write_bytes(kept)

    def query(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple[Any, ...]]:
        return query(self.database, sql, params)

    def scalar(self, sql: str) -> Any:
        return self.query(sql)[0][0]


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Build]:
    """`dbt build` on the embedded demo seeds, once per test session, published at once into a serving folder
    (`build.serving_dir`): publish audits the build's own run_results.json, which later dbt commands on this
    build (compile, docs generate) overwrite."""
    from segmentation.serving.publish import PublishOptions, publish

    build = Build(tmp_path_factory.mktemp("demo"))
    build.dbt("build")
    build.keep_run_results = (build.work_dir / "target" / "run_results.json").read_bytes()  # type: ignore[attr-defined]
    build.serving_dir = tmp_path_factory.mktemp("serving")  # type: ignore[attr-defined]
    publish(
        PublishOptions(
            serving_dir=build.serving_dir,  # type: ignore[attr-defined]
            warehouse=build.database,
            run_results=build.work_dir / "target" / "run_results.json",
        )
    )
    yield build


@pytest.fixture
def folder_build(tmp_path: Path) -> Callable[..., Build]:
    """Factory: build the project on a folder of canonical CSV files (var raw_data_path)."""

    def make(folder: Path, check: bool = True, **dbt_vars: Any) -> Build:
        build = Build(tmp_path / "build", {"raw_data_path": str(folder), **dbt_vars})
        build.work_dir.mkdir(exist_ok=True)
        build.last_result = build.dbt("build", check=check)  # type: ignore[attr-defined]
        return build

    return make


@pytest.fixture(scope="session")
def demo_serving(demo_build: Build) -> Path:
    """The demo build's serving folder (published, audited by the quality checkpoints, by demo_build)."""
    return demo_build.serving_dir  # type: ignore[attr-defined]


# --- Engines other than DuckDB (docs/engines.md). The spark helper mirrors these for Spark. ---


class PostgresBuild(Build):
    """A dbt build of the project (`--target postgres`) into its own database of a running cluster."""

    def __init__(self, work_dir: Path, server: Any, name: str, dbt_vars: Mapping[str, Any] | None = None) -> None:
        super().__init__(work_dir, dbt_vars)
        from segmentation.engines import postgres

        self.server = server
        self.name = name
        postgres.drop_database(server, name)
        postgres.create_database(server, name)

    @property
    def env(self) -> dict[str, str]:
        return {**self.server.env(), "PGDATABASE": self.name, "DBT_TARGET": "postgres"}

    def dbt(self, *args: str, check: bool = True):
        return run_dbt(
            list(args), self.database, self.dbt_vars, work_dir=self.work_dir, check=check, extra_env=self.env
        )

    def query(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple[Any, ...]]:
        from segmentation.engines import postgres

        connection = postgres.connect(self.server, self.name)
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql, params or None)
                return cursor.fetchall()
        finally:
            connection.close()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Any]:
    """A PostgreSQL cluster of the test session on 127.0.0.1 (a free port, data under warehouse/), stopped at
    the end. Debian's postgresql package must be installed (.ci/run does; `make postgres-up` installs it)."""
    import socket

    from segmentation.engines import postgres

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    data_dir = PROJECT_DIR / "warehouse" / f"test-postgres-{port}"
    server = postgres.up(postgres.Settings(port=port, data_dir=data_dir))
    try:
        yield server
    finally:
        postgres.down(server)
        import shutil

        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_demo_build(tmp_path_factory: pytest.TempPathFactory, postgres_server: Any) -> PostgresBuild:
    """`dbt build --target postgres` on the demo seeds, once per test session."""
    build = PostgresBuild(tmp_path_factory.mktemp("postgres_demo"), postgres_server, "demo")
    build.last_result = build.dbt("build")  # type: ignore[attr-defined]
    return build
