"""Dirty rows for scale mode: a share of the generated lines made into what real feeds carry.

Each chosen line becomes one of the kinds below (weights in `KINDS`). The typed Parquet and the CSV text
of a chunk hold the same rows; where a defect can only be written as text (a thousands separator, an
impossible calendar date, a field more than the header) the Parquet cell is null instead, so both inputs
reject the same rows (the CSV one possibly for an earlier reason) and give the same marts.

| kind | Parquet | CSV text | SPEC §2 outcome |
|---|---|---|---|
| duplicate | a copy of the line before it | same | `duplicate_line` (the earlier row is kept) |
| padded_ids | ids with surrounding spaces, currency lower case | same | staged, trimmed |
| bad_number | quantity null | quantity `1,000` | `invalid_number` |
| bad_date | invoiced_at null | `2025-02-30 10:00:00` | `invalid_date` |
| unknown_currency | currency `XXX` | same | `unknown_currency` |
| zero_quantity | quantity 0 | same | `zero_quantity` |
| negative_price | unit_price negated (a free sample stays 0 and is staged) | same | `negative_price` |
| blank_customer | customer_id of spaces | same | `missing_customer` |
| malformed | quantity and unit_price null | a field more than the header | `invalid_number` / `malformed_row` |
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

KINDS: tuple[tuple[str, float], ...] = (
    ("duplicate", 0.30),
    ("padded_ids", 0.20),
    ("bad_number", 0.10),
    ("bad_date", 0.10),
    ("unknown_currency", 0.10),
    ("zero_quantity", 0.05),
    ("negative_price", 0.05),
    ("blank_customer", 0.05),
    ("malformed", 0.05),
)
KIND_NAMES = [name for name, _ in KINDS]
_CODE = {name: code for code, name in enumerate(KIND_NAMES)}
TEXT_OVERRIDES = {"bad_number": ("quantity", "1,000"), "bad_date": ("invoiced_at", "2025-02-30 10:00:00")}


@dataclass
class DirtyChunk:
    """A chunk after the dirt: the table, the clean row each row was taken from, and each row's kind."""

    table: pa.Table
    source: np.ndarray
    kind: np.ndarray  # -1 = clean, else an index into KINDS

    def counts(self) -> dict[str, int]:
        codes, counts = np.unique(self.kind[self.kind >= 0], return_counts=True)
        return {KIND_NAMES[code]: int(count) for code, count in zip(codes, counts, strict=True)}

    def text_overrides(self, mask: np.ndarray) -> np.ndarray:
        """The kinds of the rows selected by `mask` (for the CSV writer)."""
        return self.kind[mask]


def _set(array: pa.Array, rows: np.ndarray, values: pa.Array | pa.Scalar) -> pa.Array:
    """`array` with the cells at `rows` replaced by `values` (one per row, or one scalar)."""
    mask = np.zeros(len(array), dtype=bool)
    mask[rows] = True
    if isinstance(values, pa.Scalar):
        replacement = values
    else:
        indices = np.zeros(len(array), dtype=np.int64)
        indices[rows] = np.arange(len(rows))
        replacement = values.take(pa.array(indices))
    return pc.if_else(pa.array(mask), replacement, array)


def dirty_rows(rng: np.random.Generator, chunk: pa.Table, share: float) -> DirtyChunk | None:
    """Make about `share` of the chunk's rows dirty; None when share is 0."""
    if share <= 0:
        return None
    rows = chunk.num_rows
    chosen = np.flatnonzero(rng.random(rows) < share)
    kinds = rng.choice(len(KINDS), size=len(chosen), p=np.array([weight for _, weight in KINDS]))
    # A duplicate needs a line before it in the chunk; the first row gets its ids padded instead.
    kinds = np.where((kinds == _CODE["duplicate"]) & (chosen == 0), _CODE["padded_ids"], kinds)
    kind = np.full(rows, -1, dtype=np.int64)
    kind[chosen] = kinds
    source = np.arange(rows)
    duplicates = np.flatnonzero(kind == _CODE["duplicate"])
    source[duplicates] = duplicates - 1
    table = chunk.take(pa.array(source)) if len(duplicates) else chunk
    columns = {name: table.column(name).combine_chunks() for name in table.column_names}

    def rows_of(*names: str) -> np.ndarray:
        return np.flatnonzero(np.isin(kind, [_CODE[name] for name in names]))

    padded = rows_of("padded_ids")
    for name in ("invoice_id", "customer_id", "product_id"):
        values = columns[name].take(pa.array(padded))
        columns[name] = _set(columns[name], padded, pc.binary_join_element_wise(pa.scalar("  "), values, " ", ""))
    columns["currency"] = _set(
        columns["currency"],
        padded,
        pc.binary_join_element_wise(pc.utf8_lower(columns["currency"].take(pa.array(padded))), pa.scalar(" "), ""),
    )
    null_quantity = rows_of("bad_number", "malformed")
    columns["quantity"] = _set(columns["quantity"], null_quantity, pa.scalar(None, columns["quantity"].type))
    columns["unit_price"] = _set(
        columns["unit_price"], rows_of("malformed"), pa.scalar(None, columns["unit_price"].type)
    )
    columns["invoiced_at"] = _set(
        columns["invoiced_at"], rows_of("bad_date"), pa.scalar(None, columns["invoiced_at"].type)
    )
    columns["currency"] = _set(columns["currency"], rows_of("unknown_currency"), pa.scalar("XXX"))
    columns["quantity"] = _set(columns["quantity"], rows_of("zero_quantity"), pa.scalar(0, columns["quantity"].type))
    negative = rows_of("negative_price")
    columns["unit_price"] = _set(
        columns["unit_price"], negative, pc.negate(columns["unit_price"].take(pa.array(negative)))
    )
    columns["customer_id"] = _set(columns["customer_id"], rows_of("blank_customer"), pa.scalar("   "))
    result = pa.table([columns[name] for name in table.column_names], schema=table.schema)
    return DirtyChunk(result, source, kind)


class CsvTransactionsWriter:
    """Transactions as RFC 4180 CSV text (header once, strings quoted), written chunk by chunk."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.handle = path.open("wb")
        self.header = True

    def write(self, table: pa.Table, kinds: np.ndarray | None, malformed: bool = True) -> None:
        text = {name: pc.cast(table.column(name), pa.string()) for name in table.column_names}
        if kinds is not None:
            for kind, (column, value) in TEXT_OVERRIDES.items():
                rows = np.flatnonzero(kinds == _CODE[kind])
                if len(rows):
                    text[column] = _set(text[column].combine_chunks(), rows, pa.scalar(value))
        sink = pa.BufferOutputStream()
        options = pacsv.WriteOptions(include_header=self.header, quoting_style="needed")
        pacsv.write_csv(pa.table(text), sink, write_options=options)
        data = sink.getvalue().to_pybytes()
        self.header = False
        malformed_rows = np.flatnonzero(kinds == _CODE["malformed"]) if kinds is not None and malformed else []
        if len(malformed_rows):
            # One record per line (no field holds a line break): add a field past the header's to those records.
            lines = data.split(b"\n")
            offset = 1 if lines and lines[0].startswith(b'"invoice_id"') else 0
            for row in malformed_rows:
                lines[row + offset] += b',"unexpected extra field"'
            data = b"\n".join(lines)
        self.handle.write(data)

    def close(self) -> None:
        self.handle.close()
