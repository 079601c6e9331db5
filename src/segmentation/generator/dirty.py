"""Dirty rows appended to the demo transactions: at least one per SPEC §2 rejection reason.

Each row is documented in docs/demo_data.md (same order). Rows that copy a clean row (duplicates)
take it from the rendered clean rows, so they stay valid whatever the random draws.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Column order of raw_transactions (SPEC §1).
TRANSACTION_COLUMNS: tuple[str, ...] = (
    "invoice_id",
    "line_number",
    "customer_id",
    "invoiced_at",
    "product_id",
    "quantity",
    "unit_price",
    "currency",
)

Row = tuple[str, str, str, str, str, str, str, str]


@dataclass(frozen=True)
class DirtyRow:
    reason: str  # the SPEC §2 reason staging must give
    exercises: str  # what the row checks
    row: Row


def _row(**overrides: str) -> Row:
    """A valid-looking row for customer C0012 with the given raw values replaced."""
    base = {
        "invoice_id": "INV-900001",
        "line_number": "1",
        "customer_id": "C0012",
        "invoiced_at": "2025-03-04 10:15:00",
        "product_id": "CON-1001",
        "quantity": "2",
        "unit_price": "89.00",
        "currency": "USD",
    }
    base.update(overrides)
    return tuple(base[c] for c in TRANSACTION_COLUMNS)  # type: ignore[return-value]


FIXED_DIRTY_ROWS: tuple[DirtyRow, ...] = (
    DirtyRow("missing_invoice", "blank invoice_id", _row(invoice_id="")),
    DirtyRow("missing_invoice", "whitespace-only invoice_id", _row(invoice_id="   ", line_number="2")),
    DirtyRow(
        "missing_invoice",
        "blank invoice_id and customer_id: the first rule wins",
        _row(invoice_id="", customer_id=""),
    ),
    DirtyRow("missing_customer", "blank customer_id", _row(invoice_id="INV-900002", customer_id="")),
    DirtyRow(
        "missing_customer",
        "whitespace-only customer_id, also a bad date",
        _row(invoice_id="INV-900003", customer_id="  ", invoiced_at="soon"),
    ),
    DirtyRow(
        "invalid_date",
        "2024-02-30 is not a calendar date",
        _row(invoice_id="INV-900004", invoiced_at="2024-02-30"),
    ),
    DirtyRow("invalid_date", "a word instead of a date", _row(invoice_id="INV-900005", invoiced_at="yesterday")),
    DirtyRow("invalid_date", "timezone suffix Z", _row(invoice_id="INV-900006", invoiced_at="2025-05-10T09:30:00Z")),
    DirtyRow(
        "invalid_date",
        "timezone offset +02:00",
        _row(invoice_id="INV-900007", invoiced_at="2025-05-10 09:30:00+02:00"),
    ),
    DirtyRow("invalid_date", "blank date", _row(invoice_id="INV-900008", invoiced_at="")),
    DirtyRow(
        "invalid_date",
        "month 13, also a blank product: date rule first",
        _row(invoice_id="INV-900009", invoiced_at="2025-13-01", product_id=""),
    ),
    DirtyRow("missing_product", "blank product_id", _row(invoice_id="INV-900010", product_id="")),
    DirtyRow(
        "missing_product",
        "whitespace-only product_id, also quantity 0",
        _row(invoice_id="INV-900011", product_id=" ", quantity="0"),
    ),
    DirtyRow(
        "invalid_number",
        "thousands separator in quantity (1,000)",
        _row(invoice_id="INV-900012", quantity="1,000"),
    ),
    DirtyRow(
        "invalid_number",
        "currency symbol in unit_price ($12)",
        _row(invoice_id="INV-900013", unit_price="$12"),
    ),
    DirtyRow("invalid_number", "NaN quantity", _row(invoice_id="INV-900014", quantity="NaN")),
    DirtyRow("invalid_number", "inf unit_price", _row(invoice_id="INV-900015", unit_price="inf")),
    DirtyRow("invalid_number", "blank quantity", _row(invoice_id="INV-900016", quantity="")),
    DirtyRow(
        "invalid_number",
        "blank unit_price, also a negative-looking quantity",
        _row(invoice_id="INV-900017", quantity="-1", unit_price=" "),
    ),
    DirtyRow("zero_quantity", "quantity 0", _row(invoice_id="INV-900018", quantity="0")),
    DirtyRow(
        "zero_quantity",
        "quantity 0.000 with a negative price: zero rule first",
        _row(invoice_id="INV-900019", quantity="0.000", unit_price="-5.00"),
    ),
    DirtyRow("negative_price", "unit_price below 0", _row(invoice_id="INV-900020", unit_price="-15.00")),
    DirtyRow(
        "negative_price",
        "negative price on a return line",
        _row(invoice_id="INV-900021", quantity="-1", unit_price="-89.00"),
    ),
    DirtyRow("unknown_currency", "CHF has no FX rate at all", _row(invoice_id="INV-900022", currency="CHF")),
    DirtyRow(
        "unknown_currency",
        "EUR in Nov 2022, a month missing from the FX table",
        _row(invoice_id="INV-900023", invoiced_at="2022-11-28", currency="EUR"),
    ),
    DirtyRow(
        "unknown_currency",
        "lowercase, padded chf: normalised, still unknown",
        _row(invoice_id="INV-900024", currency=" chf "),
    ),
)


def duplicate_rows(clean_rows: list[Row]) -> list[DirtyRow]:
    """Copies of clean rows: an exact duplicate, and one whose quantity `1` is written `1.0`."""
    exact = next(r for r in clean_rows[len(clean_rows) // 3 :] if r[1] != "")
    target = next(
        r
        for r in clean_rows[len(clean_rows) // 2 :]
        if r[1] != "" and r[5] == "1" and r[6] != "0.00" and r[4][:3] in ("HW-", "SW-", "PER")
    )
    written_float = (*target[:5], "1.0", *target[6:])
    return [
        DirtyRow("duplicate_line", f"exact copy of {exact[0]} line {exact[1]}", exact),
        DirtyRow(
            "duplicate_line",
            f"copy of {target[0]} line {target[1]} with quantity 1 written 1.0",
            written_float,
        ),
    ]
