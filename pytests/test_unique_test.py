"""dbt's `unique` test runs a faster check on whole-number keys (macros/tests/test_unique.sql): it still fails."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from conftest import Build


def test_unique_test_fails_on_a_repeated_key(demo_build: Build, tmp_path: Path) -> None:
    broken = Build(tmp_path)
    shutil.copyfile(demo_build.database, broken.database)
    with duckdb.connect(str(broken.database)) as connection:
        connection.execute("insert into marts.fct_transactions select * from marts.fct_transactions limit 3")
    result = broken.dbt("test", "--select", "fct_transactions", check=False)
    assert result.returncode != 0
    assert "FAIL 3 unique_fct_transactions_transaction_key" in result.stdout
