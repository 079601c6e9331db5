"""The Python tooling's own DuckDB connections follow the profile's env vars; the bench shrinks warehouses."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from segmentation.bench.steps import SizeRun
from segmentation.duckdb_settings import configure


def test_configure_applies_the_profile_variables(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DUCKDB_MEMORY_LIMIT", "1GB")
    monkeypatch.setenv("DUCKDB_THREADS", "1")
    monkeypatch.setenv("DUCKDB_TEMP_DIR", str(tmp_path / "spill"))
    with configure(duckdb.connect()) as connection:
        settings = dict(
            connection.execute(
                "select name, value from duckdb_settings() where name in ('memory_limit', 'threads', 'temp_directory')"
            ).fetchall()
        )
    assert settings["threads"] == "1"
    assert settings["memory_limit"].replace(" ", "") in ("953.6MiB", "1.0GB", "1GB")
    assert settings["temp_directory"] == str(tmp_path / "spill")


def _built(tmp_path: Path, keep_work: bool) -> tuple[SizeRun, Path]:
    """A bench size whose dbt_build warehouse has a mart and a staging table."""
    run = SizeRun(None, tmp_path, None, None, lambda _: None, keep_work=keep_work)  # type: ignore[arg-type]
    path = run.warehouse("dbt_build")
    path.parent.mkdir()
    with duckdb.connect(str(path)) as connection:
        connection.execute("create schema marts")
        connection.execute("create schema staging")
        connection.execute("create table marts.fct_a as select range as id, range * 2 as v from range(1000)")
        connection.execute("create table staging.stg_big as select range as id from range(200000)")
    return run, path


def test_keep_only_marts_keeps_the_marts_and_drops_the_rest(tmp_path: Path) -> None:
    run, path = _built(tmp_path, keep_work=False)
    run.keep_only_marts("dbt_build")
    run.keep_only_marts("dbt_build")  # idempotent
    with duckdb.connect(str(path), read_only=True) as connection:
        tables = connection.execute("select table_schema, table_name from information_schema.tables").fetchall()
        total = connection.execute("select count(*), sum(v) from marts.fct_a").fetchone()
    assert tables == [("marts", "fct_a")]
    assert total == (1000, 999 * 1000)


def test_keep_only_marts_leaves_the_warehouse_with_keep_work(tmp_path: Path) -> None:
    run, path = _built(tmp_path, keep_work=True)
    run.keep_only_marts("dbt_build")
    with duckdb.connect(str(path), read_only=True) as connection:
        assert connection.execute("select count(*) from staging.stg_big").fetchone() == (200000,)
