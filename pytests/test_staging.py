"""End-to-end staging on messy CSV input: every raw row is staged or quarantined with its SPEC §2 reason."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from conftest import Build, write_csv

TRANSACTION_COLUMNS = [
    "invoice_id", "line_number", "customer_id", "invoiced_at",
    "product_id", "quantity", "unit_price", "currency",
]  # fmt: skip

# (row, expected reason or None when staged). Row order = file order (source_row_number = index + 1).
MESSY_ROWS: list[tuple[list[str], str | None]] = [
    (["INV1", "1", "C1", "2024-01-05", "P1", "10", "10", "USD"], None),
    (["INV1", "2", "C1", "2024-01-05 10:30", "P2", "1", "50.5", " eur "], None),
    (["INV2", "", "C2", "2024-02-10T09:00:00", "P1", "2", "100", ""], None),
    (["INV3", "1", " C1 ", " 2024-02-11 ", " P3 ", " 1e1 ", " .5 ", "usd"], None),
    (["INV4", "x", "C3", "2024-02-12 23:59", "P1", "-1", "0", "EUR"], None),
    (["   ", "1", "C1", "2024-01-05", "P1", "1", "1", "USD"], "missing_invoice"),
    (["INV5", "1", "", "2024-01-05", "P1", "1", "1", "USD"], "missing_customer"),
    (["INV6", "1", "C1", "2022-02-30", "P1", "1", "1", "USD"], "invalid_date"),
    (["INV6", "2", "C1", "yesterday", "P1", "1", "1", "USD"], "invalid_date"),
    (["INV6", "3", "C1", "2024-01-05 24:00", "P1", "1", "1", "USD"], "invalid_date"),
    (["INV6", "4", "C1", "2024-01-05Z", "P1", "1", "1", "USD"], "invalid_date"),  # an offset needs a time
    (["INV7", "1", "C1", "2024-01-05", " ", "1", "1", "USD"], "missing_product"),
    (["INV8", "1", "C1", "2024-01-05", "P1", "1,000", "1", "USD"], "invalid_number"),
    (["INV8", "2", "C1", "2024-01-05", "P1", "1", "$12", "USD"], "invalid_number"),
    (["INV8", "3", "C1", "2024-01-05", "P1", "NaN", "1", "USD"], "invalid_number"),
    (["INV8", "4", "C1", "2024-01-05", "P1", "1", "inf", "USD"], "invalid_number"),
    (["INV8", "5", "C1", "2024-01-05", "P1", "", "1", "USD"], "invalid_number"),
    (["INV9", "1", "C1", "2024-01-05", "P1", "0", "1", "USD"], "zero_quantity"),
    (["INV9", "2", "C1", "2024-01-05", "P1", "0.0", "-1", "USD"], "zero_quantity"),
    (["INV10", "1", "C1", "2024-01-05", "P1", "1", "-0.01", "USD"], "negative_price"),
    (["INV11", "1", "C1", "2024-01-05", "P1", "1", "1", "JPY"], "unknown_currency"),
    (["INV11", "2", "C1", "2024-03-05", "P1", "1", "1", "EUR"], "unknown_currency"),
    # A duplicate of row 1 written differently (1 = 1.0, usd = USD): rejected, row 1 kept.
    (["INV1", "7", "C1", "2024-01-05 00:00", "P1", "10.0", "10", "usd"], "duplicate_line"),
    # Rule order: a blank invoice wins over every later rule.
    (["", "1", "", "bad", "", "x", "-1", "XXX"], "missing_invoice"),
]


def make_messy_folder(folder: Path) -> Path:
    write_csv(folder / "transactions.csv", TRANSACTION_COLUMNS, [row for row, _ in MESSY_ROWS])
    write_csv(
        folder / "customers.csv",
        ["customer_id", "company_name", "industry", "country", "employee_count"],
        [
            ["C1", "Acme", "Retail", "DE", "120"],
            ["C2", "Beta", "", "FR", "-3"],
            ["C4", "Gamma", "IT", "US", "12.5"],
        ],
    )
    write_csv(
        folder / "products.csv",
        ["product_id", "product_name", "product_line", "is_core"],
        [["P1", "Widget", "Widgets", "true"], ["P2", "Shipping", "", "false"]],
    )
    write_csv(
        folder / "fx_rates.csv",
        ["month", "currency", "rate_to_reporting"],
        [["2024-01-01", "EUR", "1.1"], ["2024-02-01", " eur ", "1.2"], ["2024-01-01", "USD", "7"]],
    )
    return folder


@pytest.fixture
def messy_folder(tmp_path: Path) -> Path:
    return make_messy_folder(tmp_path / "raw")


@pytest.fixture(scope="module")
def messy_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    work = tmp_path_factory.mktemp("messy")
    folder = make_messy_folder(work / "raw")
    build = Build(work, {"raw_data_path": str(folder)})
    build.dbt("build")
    return build


def test_every_row_lands_once_with_its_reason(messy_build: Build) -> None:
    build = messy_build
    staged = {row for (row,) in build.query("select source_row_number from staging.stg_transactions")}
    rejected = dict(build.query("select source_row_number, reason from audit.rejected_transactions"))
    assert staged.isdisjoint(rejected)
    assert len(staged) + len(rejected) == len(MESSY_ROWS)
    for index, (row, expected) in enumerate(MESSY_ROWS, start=1):
        if expected is None:
            assert index in staged, f"row {index} {row} should be staged"
        else:
            assert rejected.get(index) == expected, f"row {index} {row}: {rejected.get(index)} != {expected}"


def test_staged_values_are_typed_and_converted(messy_build: Build) -> None:
    build = messy_build
    rows = {
        key: rest
        for key, *rest in build.query(
            "select source_row_number, line_number, customer_id, product_id, currency, fx_rate, amount,"
            " is_core, product_line, is_purchase_line from staging.stg_transactions"
        )
    }
    # Blank line_number falls back to the row's position in its file; a non-integer one too.
    assert rows[3][0] == 3 and rows[5][0] == 5
    # Values are trimmed; currency upper-cased; exponent notation parsed exactly.
    assert rows[4][1:4] == ["C1", "P3", "USD"]
    assert rows[4][5] == Decimal("5")
    # EUR converts at the line month's rate; the reporting currency at 1 whatever fx_rates says.
    assert rows[2][4] == Decimal("1.1") and rows[2][5] == Decimal("55.55")
    assert rows[1][4] == Decimal("1") and rows[1][5] == Decimal("100")
    # Non-core product; product missing from products is core with line `unknown`.
    assert rows[2][6] is False and rows[2][7] == "unassigned"
    assert rows[4][6] is True and rows[4][7] == "unknown"
    # A return at price 0 is not a purchase line.
    assert rows[5][8] is False


def test_quarantine_keeps_raw_text(messy_build: Build) -> None:
    build = messy_build
    raw = build.query(
        "select invoice_id, quantity, unit_price, currency from audit.rejected_transactions"
        " where source_row_number = 13"
    )
    assert raw == [("INV8", "1,000", "1", "USD")]
    assert build.scalar("select count(distinct source_file) from audit.rejected_transactions") == 1


def test_customers_are_typed(messy_build: Build) -> None:
    build = messy_build
    customers = {
        row[0]: row[1:]
        for row in build.query("select customer_id, industry, employee_count, size_band from staging.stg_customers")
    }
    assert customers["C1"] == ("Retail", 120, "mid")
    assert customers["C2"] == (None, None, "unknown")  # negative employee_count is null
    assert customers["C4"] == ("IT", None, "unknown")  # non-integer employee_count is null


def test_duplicate_fx_rates_stop_the_build_naming_file_and_key(messy_folder: Path, folder_build) -> None:
    # Duplicate FX rows for one month/currency with different rates would fan lines out: the build must stop.
    write_csv(
        messy_folder / "fx_rates.csv",
        ["month", "currency", "rate_to_reporting"],
        [["2024-01-01", "EUR", "1.1"], ["2024-01-01", "eur", "1.3"]],
    )
    build = folder_build(messy_folder, check=False)
    output = build.last_result.stdout
    assert build.last_result.returncode != 0
    assert "fx_rates.csv has 1 duplicate key(s) (month + currency must be unique)" in output
    assert "month '2024-01-01' + currency 'EUR' (rows 1, 2)" in output


def test_missing_required_column_names_file_and_column(tmp_path: Path, folder_build) -> None:
    folder = tmp_path / "raw"
    write_csv(folder / "transactions.csv", ["invoice_id", "customer_id", "invoiced_at", "product_id", "unit_price"],
              [["I1", "C1", "2024-01-01", "P1", "1"]])  # fmt: skip
    build = folder_build(folder, check=False)
    output = build.last_result.stdout
    assert build.last_result.returncode != 0
    assert "transactions.csv is missing required column(s): quantity" in output


def test_missing_transactions_file_is_named(tmp_path: Path, folder_build) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    build = folder_build(folder, check=False)
    assert build.last_result.returncode != 0
    assert "has no transactions file" in build.last_result.stdout


def test_parquet_input_is_read_with_file_row_numbers(tmp_path: Path, folder_build) -> None:
    import duckdb

    folder = tmp_path / "pq"
    folder.mkdir()
    with duckdb.connect() as connection:
        connection.execute(
            f"""copy (select * from (values
                ('I1', 1, 'C1', timestamp '2024-01-05 10:00', 'P1', 2.5, 4.0, 'USD'),
                ('I1', 1, 'C1', timestamp '2024-01-05 10:00', 'P1', 2.5, 4.0, 'USD'),
                ('I2', null, 'C2', timestamp '2024-02-01', 'P1', 0.0, 4.0, null),
                ('I3', 1, 'C3', timestamp '2024-03-05 10:00:00.250', 'P1', 1.0, 2.0, 'USD')
            ) as t(invoice_id, line_number, customer_id, invoiced_at, product_id, quantity, unit_price, currency))
            to '{folder / "transactions.parquet"}' (format parquet)"""
        )
    build = folder_build(folder)
    assert build.query("select source_row_number, amount from staging.stg_transactions order by 1") == [
        (1, Decimal("10")),
        (4, Decimal("2")),  # a typed timestamp with sub-second digits is a valid date
    ]
    assert build.query("select source_row_number, reason from audit.rejected_transactions order by 1") == [
        (2, "duplicate_line"),
        (3, "zero_quantity"),
    ]


def test_typed_parquet_gets_the_verdicts_of_its_text(tmp_path: Path) -> None:
    """Typed Parquet columns skip text checks (parsing.sql): same staged values and reasons as their text in CSV."""
    import duckdb

    rows = """values
        ('I1', 1, ' C1 ', timestamp '2024-01-05 10:00:00', 'P1', 2.5::decimal(18,3), 4.0::double, 'usd '),
        ('I2', 1, 'C1', timestamp '2024-01-05 10:00:00.5', 'P1', 1, 1, 'USD'),
        ('I3', null, 'C2', timestamp '0001-01-01 00:00:00', 'P1', -1, 10, null),
        ('I4', 1, 'C2', timestamp '10000-01-01 00:00:00', 'P1', 1, 1, 'USD'),
        ('I5', 1, 'C2', timestamp '2024-02-01', 'P1', 0, 1, 'USD'),
        ('I6', 1, 'C2', timestamp '2024-02-01', 'P1', 1, 'nan'::double, 'USD'),
        ('I7', 1, 'C2', timestamp '2024-02-01', 'P1', 1, 'inf'::double, 'USD'),
        ('I8', 1, 'C2', timestamp '2024-02-01', 'P1', 999999999999999.999, 1, 'USD'),
        ('I9', 1, 'C2', timestamp '2024-02-01', 'P1', 1, -0.5, 'USD'),
        ('I10', 1, '  ', timestamp '2024-02-01', 'P1', 1, 1, 'USD'),
        ('I1', 2, 'C1', timestamp '2024-01-05 10:00:00', 'P1', 2.5, 4.0, 'USD'),
        ('I11', -3, 'C3', timestamp '2024-03-01 23:59:59', ' P2', 1e3, 1.25e-1, 'EUR'),
        ('I12', 1, 'C3', timestamp '2024-03-01 23:59:59', 'P2', 1, 4.99, 'USD')
    """
    columns = "invoice_id, line_number, customer_id, invoiced_at, product_id, quantity, unit_price, currency"
    typed, text = tmp_path / "typed", tmp_path / "text"
    typed.mkdir()
    text.mkdir()
    with duckdb.connect() as connection:
        connection.execute(f"create table raw as select * from ({rows}) as t({columns})")
        connection.execute(f"copy raw to '{typed / 'transactions.parquet'}' (format parquet)")
        # the text the raw adapter reads from the typed file: a timestamp with microseconds; a float as its
        # shortest round-trip text (DuckDB's cast), like every other type
        as_text = ", ".join(
            f"strftime({name}, '%Y-%m-%d %H:%M:%S.%f') as {name}"
            if name == "invoiced_at"
            else f"cast({name} as varchar) as {name}"
            for name in columns.split(", ")
        )
        connection.execute(f"copy (select {as_text} from raw) to '{text / 'transactions.csv'}' (header)")
        fx = "select date '2024-03-01' as month, 'EUR' as currency, 1.1 as rate_to_reporting"
        for folder in (typed, text):
            connection.execute(f"copy ({fx}) to '{folder / 'fx_rates.csv'}' (header)")
        assert connection.execute(f"describe select * from '{typed / 'transactions.parquet'}'").fetchall()[6][1] == (
            "DOUBLE"
        )
    staged = "select * exclude (source_file) from staging.stg_transactions order by transaction_key"
    rejected = "select source_row_number, reason from audit.rejected_transactions order by 1"
    builds = {}
    for folder in (typed, text):
        builds[folder] = Build(tmp_path / f"build_{folder.name}", {"raw_data_path": str(folder)})
        builds[folder].work_dir.mkdir()
        builds[folder].dbt("build")
    typed_rows = (builds[typed].query(staged), builds[typed].query(rejected))
    assert (builds[text].query(staged), builds[text].query(rejected)) == typed_rows
    assert {reason for _, reason in typed_rows[1]} == {
        "invalid_date", "zero_quantity", "invalid_number", "negative_price", "missing_customer", "duplicate_line",
    }  # fmt: skip
    # staged: I1, I2, I8, I11 and I12 (a double 4.99 is its shortest round-trip text, `4.99`)
    assert len(typed_rows[0]) == 5
