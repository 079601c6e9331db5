"""Hostile raw input (SPEC §0-2, issue 12): CSV file rules, malformed records, exact numbers, time zones,
typed Parquet columns, and every error that stops the build, checked against the independent reference
staging in reference_impl.py (which shares no code with the models)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from conftest import Build
from reference_impl import parse_number, parse_timestamp, stage

STAGING = ("run", "--select", "+stg_transactions", "+rejected_transactions")
UP_TO_MARTS = ("run", "--select", "+int_as_of_dates", "+stg_customers")
HEADER = ["quantity", "invoice_id", "customer_id", "invoiced_at", "product_id", "unit_price", "currency", "notes",
          "line_number"]  # fmt: skip


def record(**values: str) -> dict[str, str]:
    """A well-formed transactions record (defaults for the columns not given)."""
    row = {"quantity": "1", "invoice_id": "I", "customer_id": "C1", "invoiced_at": "2024-01-05", "product_id": "P1",
           "unit_price": "1", "currency": "USD", "notes": "", "line_number": ""}  # fmt: skip
    row.update(values)
    return row


def quote(value: str) -> str:
    return '"' + value.replace('"', '""') + '"' if any(c in value for c in ',"\r\n') else value


def encode(fields: list[str]) -> bytes:
    return ",".join(quote(field) for field in fields).encode()


# (raw bytes of the record, the record as the reference reads it: a dict, or None for a malformed record)
RECORDS: list[tuple[bytes, dict[str, str] | None]] = []


def add(raw: bytes | None = None, expected: dict[str, str] | None = None, **values: str) -> None:
    if raw is None:
        expected = record(**values)
        raw = encode([expected[name] for name in HEADER])
    RECORDS.append((raw, expected))


add(invoice_id="I1", quantity="10000000", unit_price="0.0000125")  # the API-call price: 125.00, not 130
add(invoice_id="I2", notes="a quoted\r\nline break")
add(invoice_id="I3", product_id='P,"1"')  # quoted comma and quotes
add(b"2,5,I4,C1,2024-01-05,P1,4,USD,,1,extra")  # decimal comma: more fields than the header
add(b"1,I5,C1,2024-01-05,P1,1,USD,caf\xe9,")  # Latin-1 byte in an unknown column: not UTF-8
add(
    b"1,I6,C2,2024-01-06,P2,3",
    record(invoice_id="I6", customer_id="C2", invoiced_at="2024-01-06", product_id="P2", unit_price="3", currency=""),
)  # fewer fields: blanks
add(invoice_id="I7", quantity="0.0000001")  # a valid non-zero quantity
add(invoice_id="I8", quantity="0.0000000000001")  # 13 decimals: invalid_number
add(invoice_id="I9", quantity="1234567890123456")  # 16 integer digits: invalid_number
add(invoice_id="I10", quantity="999999999999999.999999999999", unit_price="0.000000000001")  # both limits
add(invoice_id="I11", quantity="1e3", unit_price="1.5E-7")  # exponents, judged by the exact value
add(invoice_id="I12", quantity="123456789012345678e-6")  # a long mantissa with an exponent: 6 decimals
add(invoice_id="I13", quantity="1.50000000000000000000")  # trailing zeros need no digits
add(invoice_id="I14", quantity="1e15")
add(invoice_id="I15", quantity=" NaN ")
add(invoice_id="I16", unit_price="1,000")
add(invoice_id="I17", invoiced_at="2024-01-05T23:30:00+05:30")
add(invoice_id="I18", invoiced_at="2024-01-05 10:00:00.1234567")
add(invoice_id="I19", invoiced_at="2024-01-05 10:00")
add(invoice_id="I20", invoiced_at="2024-01-05T01:30:00-02:00")
add(invoice_id="I21", invoiced_at="2024-01-05 10:00Z")
add(invoice_id="I22", invoiced_at="2024-01-05Z")  # an offset needs a time
add(invoice_id="I23", invoiced_at="2024-01-05t10:00")  # T upper case
add(invoice_id="I24", invoiced_at="2024-01-05T10:00+24:00")  # offset beyond 23:59
add(invoice_id="I25", invoiced_at="2024-01-05T10:00:00z")
add(invoice_id="I26", invoiced_at="2023-02-29")
add(invoice_id="I1", quantity="1e7", unit_price="0.00001250", invoiced_at="2024-01-05T00:00:00Z",
    currency="usd")  # row 1 written differently: a duplicate once typed and converted  # fmt: skip
add(invoice_id="", customer_id="")
add(invoice_id="I28", customer_id=" ")
add(invoice_id="I29", product_id="")
add(invoice_id="I30", quantity="0.000")
add(invoice_id="I31", unit_price="-0.5")
add(invoice_id="I32", currency="jpy")
add(invoice_id="I33", currency=" eur ", line_number="7")
add(
    b'1,I34,C1,2024-01-05,P1,1,USD,"quoted ""notes"" with, comma\nand a line break",',
    record(invoice_id="I34", notes='quoted "notes" with, comma\nand a line break'),
)


def write_transactions(folder: Path, records: list[bytes], header: list[str] = HEADER, bom: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    lines = [",".join(f" {name.upper()} " if index == 0 else name for index, name in enumerate(header)).encode()]
    path = folder / "transactions.csv"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + b"\r\n".join(lines + records) + b"\r\n")
    return path


def write_fx(folder: Path) -> None:
    (folder / "fx_rates.csv").write_text("month,currency,rate_to_reporting\n2024-01-01,EUR,1.0842\n")


def fx_reference() -> dict[Any, Decimal]:
    return {(datetime(2024, 1, 1).date(), "EUR"): Decimal("1.0842")}


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    work = tmp_path_factory.mktemp("hostile")
    write_transactions(work / "raw", [raw for raw, _ in RECORDS])
    write_fx(work / "raw")
    build = Build(work, {"raw_data_path": str(work / "raw")})
    build.dbt(*STAGING)
    build.dbt("test", "--select", "assert_raw_rows_and_amounts_conserved")
    return build


def test_every_record_gets_the_reference_verdict(hostile_build: Build) -> None:
    expected = stage([parsed for _, parsed in RECORDS], fx_reference())
    actual = dict(hostile_build.query("select source_row_number, reason from staging.stg_transactions_validated"))
    assert len(actual) == len(RECORDS)  # conservation: raw = staged + rejected, malformed records included
    assert {row.row_number: row.reason for row in expected} == actual


def test_staged_values_equal_their_exact_parse(hostile_build: Build) -> None:
    expected = {row.row_number: row for row in stage([parsed for _, parsed in RECORDS], fx_reference())}
    staged = hostile_build.query(
        "select source_row_number, invoice_id, line_number, customer_id, invoiced_at, product_id, quantity,"
        " unit_price, currency, fx_rate, amount from staging.stg_transactions order by 1"
    )
    assert staged, "nothing staged"
    for number, invoice, line, customer, at, product, quantity, price, currency, rate, amount in staged:
        row = expected[number]
        assert (invoice, line, customer, at, product, currency) == (
            row.invoice_id, row.line_number, row.customer_id, row.invoiced_at, row.product_id, row.currency,
        ), number  # fmt: skip
        assert quantity == row.quantity and price == row.unit_price and rate == row.rate, number
        assert abs(amount - row.quantity * row.unit_price * row.rate) <= Decimal("1e-12"), number
    by_number = {row[0]: row for row in staged}
    assert by_number[1][10] == Decimal("125")  # 10000000 x 0.0000125, not 130
    assert by_number[7][6] == Decimal("0.0000001")
    assert by_number[18][4] == datetime(2024, 1, 5, 10, 0, 0, 123456)  # digits past the microsecond dropped
    assert by_number[17][4] == datetime(2024, 1, 5, 18, 0)  # +05:30 converted to UTC
    assert by_number[3][5] == 'P,"1"'


def test_malformed_records_keep_position_and_first_fields(hostile_build: Build) -> None:
    rows = hostile_build.query(
        "select source_row_number, invoice_id, quantity, unit_price, currency from audit.rejected_transactions"
        " where reason = 'malformed_row' order by 1"
    )
    # record 4 (`2,5,I4,...`): its first fields by header position; record 5: its Latin-1 byte shown as `?`
    assert rows == [(4, "5", "2", "P1", "4"), (5, "I5", "1", "1", "USD")]
    notes = hostile_build.query(
        "select count(*) from staging.stg_canonical__transactions where malformed_row and source_row_number = 5"
    )
    assert notes == [(1,)]


def test_records_after_quoted_line_breaks_keep_their_position(hostile_build: Build) -> None:
    # record 2 spans two physical lines and records 4 and 5 are set aside: positions are data records
    positions = dict(hostile_build.query("select invoice_id, source_row_number from staging.stg_transactions"))
    assert positions["I3"] == 3 and positions["I6"] == 6 and positions["I33"] == 34 and positions["I34"] == 35


def test_number_limits_at_their_edges() -> None:
    assert parse_number("999999999999999.999999999999") == Decimal("999999999999999.999999999999")
    assert parse_number("1000000000000000") is None and parse_number("0.0000000000001") is None
    assert parse_number("0.000000000001") == Decimal("1e-12") and parse_number("1.5E-7") == Decimal("1.5e-7")


def test_timestamp_forms_of_the_reference() -> None:
    assert parse_timestamp("2024-01-05T23:30:00+05:30", "America/New_York") == datetime(2024, 1, 5, 13, 0)
    assert parse_timestamp("2024-01-05Z") is None and parse_timestamp("2024-01-05T10:00+24:00") is None


# --- typed Parquet columns ------------------------------------------------------------------------------


def test_typed_parquet_columns(tmp_path: Path) -> None:
    import duckdb

    folder = tmp_path / "pq"
    folder.mkdir()
    with duckdb.connect() as connection:
        connection.execute("set timezone = 'UTC'")
        connection.execute(
            f"""copy (select * from (values
                (1001, 1, 77, timestamptz '2024-01-31 20:00:00+00', 5, 2.5::double, 0.0000125::decimal(20,7), 'USD'),
                (1002, 2, 77, timestamptz '2024-01-31 10:00:00.123456+00', 5, 10, 0.1::decimal(20,7), 'usd'),
                (1003, 3, 78, timestamptz '2024-02-01 01:00:00+00', 6, 4.99::double, 1::decimal(20,7), 'USD'),
                (1004, 4, 78, timestamptz '2024-02-01 01:00:00+00', 6, 'nan'::double, 1::decimal(20,7), 'USD'),
                (1005, 5, 79, timestamptz '2024-02-02 01:00:00+00', 6, 3, 1234567890123.1234567::decimal(20,7), 'USD')
            ) as t(invoice_id, line_number, customer_id, invoiced_at, product_id, quantity, unit_price, currency))
            to '{folder / "transactions.parquet"}' (format parquet)"""
        )
        described = connection.execute(f"describe select * from '{folder / 'transactions.parquet'}'").fetchall()
    types = {row[0]: row[1] for row in described}
    assert types["invoiced_at"] == "TIMESTAMP WITH TIME ZONE" and types["unit_price"] == "DECIMAL(20,7)"
    build = Build(tmp_path / "build", {"raw_data_path": str(folder), "reporting_timezone": "Asia/Tokyo"})
    build.dbt(*STAGING)
    staged = build.query(
        "select invoice_id, customer_id, product_id, invoiced_at, invoice_date, quantity, unit_price, amount"
        " from staging.stg_transactions order by source_row_number"
    )
    assert staged == [
        # 20:00 UTC is 05:00 the next day in Tokyo: the date (and month) is taken after the conversion
        ("1001", "77", "5", datetime(2024, 2, 1, 5, 0), datetime(2024, 2, 1).date(), Decimal("2.5"),
         Decimal("0.0000125"), Decimal("0.00003125")),
        ("1002", "77", "5", datetime(2024, 1, 31, 19, 0, 0, 123456), datetime(2024, 1, 31).date(), Decimal("10"),
         Decimal("0.1"), Decimal("1")),
        # a double holding 4.99 is judged by its shortest round-trip text, `4.99`: valid
        ("1003", "78", "6", datetime(2024, 2, 1, 10, 0), datetime(2024, 2, 1).date(), Decimal("4.99"),
         Decimal("1"), Decimal("4.99")),
        ("1005", "79", "6", datetime(2024, 2, 2, 10, 0), datetime(2024, 2, 2).date(), Decimal("3"),
         Decimal("1234567890123.1234567"), Decimal("3703703670369.3703701")),
    ]  # fmt: skip
    rejected = build.query("select invoice_id, reason, quantity from audit.rejected_transactions order by 1")
    # a float NaN is no number (SPEC §1)
    assert [(invoice, reason) for invoice, reason, _ in rejected] == [("1004", "invalid_number")]


# --- errors that stop the build --------------------------------------------------------------------------


def failed_run(tmp_path: Path, folder: Path, **dbt_vars: Any) -> str:
    build = Build(tmp_path / "build", {"raw_data_path": str(folder), **dbt_vars})
    result = build.dbt(*UP_TO_MARTS, check=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output[-3000:]
    assert "Traceback" not in output
    assert "marts" not in {row[0] for row in _schemas(build)}
    return " ".join(output.split())


def _schemas(build: Build) -> list[tuple[Any, ...]]:
    if not build.database.exists():
        return []
    return build.query("select distinct table_schema from information_schema.tables")


def plain_records(*rows: dict[str, str]) -> list[bytes]:
    return [encode([row[name] for name in HEADER]) for row in rows]


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("duplicate_columns", "has two columns with the same name"),
        ("quote_left_open", "a quoted field starting on line 4 (data row 2) is not closed properly"),
        ("quote_open_at_end", "a quoted field on line 5 (data row 3) is never closed: the file ends inside it"),
        ("header_only", "has no data rows"),
        ("all_rejected", "None of the 3 rows of the transactions input"),
    ],
)
def test_transactions_file_errors(tmp_path: Path, case: str, expected: str) -> None:
    folder = tmp_path / "raw"
    good = plain_records(record(invoice_id="I1", notes="two\nlines"), record(invoice_id="I2"))
    if case == "duplicate_columns":
        write_transactions(folder, good, header=[*HEADER[:-1], " Invoice_ID"])
    elif case == "quote_left_open":
        write_transactions(folder, [good[0], b'1,"I2,C1,2024-01-05,P1,1,USD,,', b'1,I3,C1,"2024-01-05"x,P1,1,USD,,'])
    elif case == "quote_open_at_end":
        write_transactions(folder, [*good, b'1,I3,C1,2024-01-05,P1,1,USD,"open,'])
    elif case == "header_only":
        write_transactions(folder, [])
    else:
        write_transactions(folder, plain_records(
            record(invoiced_at="bad"), record(invoice_id=""), record(invoice_id="I3", quantity="0")
        ))  # fmt: skip
    message = failed_run(tmp_path, folder)
    assert expected in message, message[-3000:]
    assert "transactions.csv" in message
    if case == "all_rejected":
        assert "invalid_date: 1" in message and "missing_invoice: 1" in message and "zero_quantity: 1" in message
    if case == "duplicate_columns":
        assert "'invoice_id' (column 2) and ' Invoice_ID' (column 9)" in message


@pytest.mark.parametrize("as_of_date", ["2024-01-03", "2025-01-06"])
def test_as_of_date_outside_the_data_stops_the_build(tmp_path: Path, as_of_date: str) -> None:
    folder = tmp_path / "raw"
    write_transactions(
        folder, plain_records(record(invoice_id="I1"), record(invoice_id="I2", invoiced_at="2024-01-04"))
    )
    message = failed_run(tmp_path, folder, as_of_date=as_of_date)
    assert f"Invalid value for var 'as_of_date': {as_of_date} is outside the data's range" in message
    assert "dated 2024-01-04 to 2024-01-05" in message and "between 2024-01-04 and 2025-01-05" in message


def test_reference_data_errors_name_file_rows_and_values(tmp_path: Path) -> None:
    folder = tmp_path / "raw"
    write_transactions(folder, plain_records(record(invoice_id="I1")))
    (folder / "customers.csv").write_text("customer_id,company_name\nC1,a\nC2,b\n C1 ,c\nC3,d\nC3,e\n")
    (folder / "products.csv").write_text("product_id,is_core\nP1,maybe\nP2,YES\nP3,\nP4,2\n")
    (folder / "fx_rates.csv").write_text("month,currency,rate_to_reporting\n2024-13-01,EUR,1\n2024-01-01,GBP,1\n")
    message = failed_run(tmp_path, folder)
    assert (
        "customers.csv has 2 duplicate key(s) (customer_id must be unique): customer_id 'C1' (rows 1, 3); "
        "customer_id 'C3' (rows 4, 5)"
    ) in message
    assert (
        "products.csv: 2 row(s) with is_core not blank, true/false" in message
        and "row 1: 'maybe', row 4: '2'" in message
    )
    assert "fx_rates.csv: 1 row(s) with month that is not a date" in message and "row 1: '2024-13-01'" in message


def test_more_reference_data_errors(tmp_path: Path) -> None:
    folder = tmp_path / "raw"
    write_transactions(folder, plain_records(record(invoice_id="I1")))
    (folder / "customers.csv").write_text("customer_id,company_name\nC1,a\nC2,b,extra\n")
    (folder / "products.csv").write_text("product_id,is_core\nP1,true\nP1,false\n")
    (folder / "fx_rates.csv").write_text("month,currency,rate_to_reporting\n2024-01-01,EUR,0\n2024-02-01,EUR,-1\n")
    message = failed_run(tmp_path, folder)
    assert "customers.csv has 1 malformed record(s)" in message and "row 2 (more fields than the header)" in message
    assert "products.csv has 1 duplicate key(s) (product_id must be unique): product_id 'P1' (rows 1, 2)" in message
    assert "fx_rates.csv: 2 row(s) with rate_to_reporting that is not a number > 0" in message
    assert "row 1: '0', row 2: '-1'" in message


# --- property test: random CSV records -------------------------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

padding = st.sampled_from(["", "", "", " ", "\t", "  "])
digits = st.text(alphabet="0123456789", min_size=0, max_size=16)


@st.composite
def number_text(draw: st.DrawFn) -> str:
    """Numbers near the SPEC limits (12 decimals, 15 integer digits), with exponents, and some non-numbers."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.sampled_from(["NaN", "inf", "1,000", "$12", "", "1e", "--1", "0"]))
    whole = draw(st.text(alphabet="0123456789", min_size=1, max_size=16))
    fraction = draw(st.text(alphabet="0123456789", min_size=0, max_size=14))
    text = draw(st.sampled_from(["", "-", "+"])) + whole + ("." + fraction if fraction or draw(st.booleans()) else "")
    if draw(st.integers(0, 3)) == 0:
        text += draw(st.sampled_from(["e", "E"])) + str(draw(st.integers(-20, 20)))
    return text


@st.composite
def timestamp_text(draw: st.DrawFn) -> str:
    year = draw(st.sampled_from(["2023", "2024", "0000"]))
    text = f"{year}-{draw(st.integers(1, 13)):02d}-{draw(st.integers(1, 31)):02d}"
    if draw(st.booleans()):
        hour, minute = draw(st.integers(0, 24)), draw(st.integers(0, 59))
        text += draw(st.sampled_from([" ", "T", "t"])) + f"{hour:02d}:{minute:02d}"
        if draw(st.booleans()):
            text += f":{draw(st.integers(0, 60)):02d}" + draw(st.sampled_from(["", ".5", ".1234567", ".000001"]))
    if draw(st.integers(0, 2)) == 0:
        text += draw(st.sampled_from(["Z", "z", "+05:30", "-02:00", "+24:00", "-23:59"]))
    return text


text_value = st.text(alphabet='ABCxyz1 ,"\n\r-é', min_size=0, max_size=6)
field_values = {
    "quantity": number_text(),
    "invoice_id": st.one_of(st.sampled_from(["I1", "I2", ""]), text_value),
    "customer_id": st.sampled_from(["C1", "C2", " ", ""]),
    "invoiced_at": timestamp_text(),
    "product_id": st.one_of(st.sampled_from(["P1", "P2"]), text_value),
    "unit_price": number_text(),
    "currency": st.sampled_from(["USD", "usd", "", "EUR", " eur", "JPY"]),
    "notes": text_value,
    "line_number": st.sampled_from(["", "1", "2", "x", "-3"]),
}


@st.composite
def csv_record(draw: st.DrawFn) -> tuple[bytes, dict[str, str] | None]:
    values = {name: draw(strategy) for name, strategy in field_values.items()}
    fields = [draw(padding) + values[name] + draw(padding) if '"' not in values[name] else values[name]
              for name in HEADER]  # fmt: skip
    count = draw(st.sampled_from([len(HEADER)] * 6 + [5, 7, 10, 11]))
    extra = [draw(text_value) for _ in range(count - len(HEADER))]
    written = (fields + extra)[:count]
    parts = []
    for field in written:
        needs = any(c in field for c in ',"\r\n')
        parts.append('"' + field.replace('"', '""') + '"' if needs or draw(st.integers(0, 5)) == 0 else field)
    raw = ",".join(parts).encode()
    # an encoding slip: the UTF-8 `é` written as its Latin-1 byte, inside a field (not UTF-8 anywhere: malformed)
    latin1 = b"\xc3\xa9" in raw and draw(st.integers(0, 3)) == 0
    if latin1:
        raw = raw.replace(b"\xc3\xa9", b"\xe9")
    if count > len(HEADER) or latin1:
        return raw, None
    # with fewer fields the missing trailing ones are blank; the reader keeps a quoted field's text as is
    return raw, {name: (written[index] if index < count else "") for index, name in enumerate(HEADER)}


@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(st.lists(csv_record(), min_size=1, max_size=40))
def test_random_csv_records_are_conserved_and_parsed_exactly(
    tmp_path_factory: pytest.TempPathFactory, records: list[tuple[bytes, dict[str, str] | None]]
) -> None:
    work = tmp_path_factory.mktemp("property")
    write_transactions(work / "raw", [raw for raw, _ in records], bom=bool(len(records) % 2))
    write_fx(work / "raw")
    build = Build(work, {"raw_data_path": str(work / "raw")})
    result = build.dbt(*STAGING, check=False)
    expected = stage([parsed for _, parsed in records], fx_reference())
    if result.returncode != 0:
        # the one documented error this input can raise: no row passes staging
        assert all(row.reason is not None for row in expected), result.stdout[-3000:]
        assert f"None of the {len(records)} rows of the transactions input" in " ".join(result.stdout.split())
        return
    verdicts = dict(build.query("select source_row_number, reason from staging.stg_transactions_validated"))
    assert len(verdicts) == len(records)  # raw = staged + rejected
    assert verdicts == {row.row_number: row.reason for row in expected}
    reference = {row.row_number: row for row in expected}
    for number, at, quantity, price in build.query(
        "select source_row_number, invoiced_at, quantity, unit_price from staging.stg_transactions"
    ):
        row = reference[number]
        assert (at, quantity, price) == (row.invoiced_at, row.quantity, row.unit_price), number
