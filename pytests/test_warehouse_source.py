"""`source: warehouse` on DuckDB: the raw relations as typed tables in schema `raw` of the warehouse file.

The demo seeds are loaded with typed columns (BIGINT line numbers, TIMESTAMP invoice dates, DOUBLE
quantities, DECIMAL(20,7) prices), so the typed-column path of SPEC §1 for tables is exercised; the marts must equal
the demo build's. A table has no file order: its row positions are ranks of the raw values (SPEC §1), so
`fct_transactions` is compared without its `transaction_key` (the source row number). An incremental
build after rows are added to the table equals the full build of all its rows: added rows shift the ranks
of stored rows, so fct_transactions also re-processes the months from the first moved line on
(incremental_first_moved_month).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from conftest import Build
from engine_check import MART_KEYS, TYPED_TRANSACTIONS_COLUMNS, assert_marts_equal, load_duckdb_raw_tables

#: raw.transactions with typed columns (engine_check.TYPED_TRANSACTIONS_COLUMNS).
TYPED_TRANSACTIONS = f"select {TYPED_TRANSACTIONS_COLUMNS} from raw.raw_text"


def load_typed_tables(database: Path, drop_column: str | None = None) -> None:
    load_duckdb_raw_tables(database)
    with duckdb.connect(str(database)) as connection:
        # typed in a second step: DuckDB pushes a try_cast on a CSV column into its reader as a strict cast
        connection.execute("alter table raw.transactions rename to raw_text")
        connection.execute(f"create table raw.transactions as {TYPED_TRANSACTIONS}")
        connection.execute("drop table raw.raw_text")
        if drop_column:
            connection.execute(f"alter table raw.transactions drop column {drop_column}")


@pytest.fixture(scope="module")
def typed_warehouse_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    build = Build(tmp_path_factory.mktemp("duckdb_typed_warehouse"), {"source": "warehouse"})
    load_typed_tables(build.database)
    types = dict(
        build.query(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'raw' and table_name = 'transactions'"
        )
    )
    # the point of the test: typed columns, not text
    assert types["line_number"] == "BIGINT" and types["quantity"] == "DOUBLE", types
    build.dbt("build")
    return build


def test_typed_warehouse_tables_give_the_demo_marts(typed_warehouse_build: Build, demo_build: Build) -> None:
    marts = {table: keys for table, keys in MART_KEYS.items() if table != "fct_transactions"}
    counts = assert_marts_equal(typed_warehouse_build, demo_build, "duckdb (source: warehouse, typed)", marts)
    assert counts["fct_customer_months"] > 0 and counts["dim_customers"] > 0, counts
    lines = (
        "select customer_id, revenue_month, revenue_category, count(*), sum(amount) from marts.fct_transactions "
        "group by all order by all"
    )
    assert typed_warehouse_build.query(lines) == demo_build.query(lines)
    quarantine = "select reason, count(*) from audit.rejected_transactions group by all order by all"
    assert typed_warehouse_build.query(quarantine) == demo_build.query(quarantine)


#: The demo's last two months: appended to raw.transactions after a first build on the rest.
APPENDED = "strftime(invoiced_at, '%Y-%m') in ('2025-11', '2025-12')"


def test_incremental_after_rows_are_added_equals_the_full_build(tmp_path: Path, typed_warehouse_build: Build) -> None:
    build = Build(tmp_path, {"source": "warehouse"})
    load_typed_tables(build.database)
    with duckdb.connect(str(build.database)) as connection:
        connection.execute(f"create table raw.appended as select * from raw.transactions where {APPENDED}")
        connection.execute(f"delete from raw.transactions where {APPENDED}")
        appended = connection.execute("select count(*) from raw.appended").fetchone()[0]
    assert appended > 1000, appended
    build.dbt("build")
    with duckdb.connect(str(build.database)) as connection:
        connection.execute("insert into raw.transactions select * from raw.appended")
        connection.execute("drop table raw.appended")
    build.dbt("build")
    counts = assert_marts_equal(build, typed_warehouse_build, "duckdb incremental (source: warehouse)")
    assert counts["fct_transactions"] > 30000, counts
    # the second build was incremental: the month aggregates re-read only the months from the cutoff on
    compiled = tmp_path / "target" / "compiled" / "segmentation" / "models"
    aggregated = (compiled / "intermediate" / "revenue" / "int_customer_months_aggregated.sql").read_text()
    assert "revenue_month >= date '2025-" in aggregated, aggregated[-800:]


def test_missing_required_column_names_the_table(tmp_path: Path) -> None:
    build = Build(tmp_path, {"source": "warehouse"})
    load_typed_tables(build.database, drop_column="quantity")
    result = build.dbt("build", check=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Raw table" in output and "raw" in output and "is missing required column(s): quantity" in output, output[
        -3000:
    ]
    assert "Traceback" not in output
