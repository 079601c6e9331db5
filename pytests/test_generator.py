"""The demo-data generator: reproducible seeds, documented dirty rows, a deterministic scale mode."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pyarrow.parquet as pq

from segmentation import PROJECT_DIR, markdown
from segmentation.cli import main
from segmentation.generator.demo import build_demo

SEEDS = PROJECT_DIR / "seeds" / "demo"
DEMO_DOCS = PROJECT_DIR / "docs" / "demo_data.md"
SEED_FILES = (
    "raw_transactions.csv",
    "raw_customers.csv",
    "raw_products.csv",
    "raw_fx_rates.csv",
    "_demo__seeds.yml",
)
CANONICAL = {
    "transactions": [
        "invoice_id",
        "line_number",
        "customer_id",
        "invoiced_at",
        "product_id",
        "quantity",
        "unit_price",
        "currency",
    ],
    "customers": ["customer_id", "company_name", "industry", "country", "employee_count"],
    "products": ["product_id", "product_name", "product_line", "is_core"],
    "fx_rates": ["month", "currency", "rate_to_reporting"],
}


def _rows(name: str) -> tuple[list[str], list[list[str]]]:
    with (SEEDS / name).open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


def test_regenerated_seeds_are_byte_identical(tmp_path: Path) -> None:
    docs = tmp_path / "demo_data.md"
    docs.write_text(DEMO_DOCS.read_text())
    assert main(["generate", "--seeds", str(tmp_path), "--docs", str(docs)]) == 0
    for name in SEED_FILES:
        assert (tmp_path / name).read_bytes() == (SEEDS / name).read_bytes(), f"{name} differs: run `make seeds`"
    assert docs.read_text() == DEMO_DOCS.read_text(), "docs/demo_data.md is stale: run `make seeds`"


def test_demo_docs_list_every_dirty_row() -> None:
    text = markdown.section(DEMO_DOCS.read_text(), "demo_data")
    assert text is not None, "docs/demo_data.md lacks its generated section"
    data = build_demo()
    for number, dirty in enumerate(data.dirty, start=1):
        assert f"| {number} | `{dirty.reason}` | {dirty.exercises} |" in text


def test_seed_shape_and_size() -> None:
    for relation, columns in CANONICAL.items():
        header, _ = _rows(f"raw_{relation}.csv")
        assert header == columns
    _, transactions = _rows("raw_transactions.csv")
    assert 30_000 <= len(transactions) <= 60_000
    assert (SEEDS / "raw_transactions.csv").stat().st_size < 4_000_000
    yml = (SEEDS / "_demo__seeds.yml").read_text()
    for relation, columns in CANONICAL.items():
        assert f"name: raw_{relation}" in yml
        for column in columns:
            assert f"{column}: varchar" in yml
    _, customers = _rows("raw_customers.csv")
    assert len(customers) == 500 and len({c[0] for c in customers}) == 500
    _, products = _rows("raw_products.csv")
    assert len(products) >= 55 and {p[3] for p in products} >= {"true", "false"}
    assert any(p[2] == "" for p in products)


def test_fx_table_covers_37_months_in_three_currencies() -> None:
    _, fx = _rows("raw_fx_rates.csv")
    months = sorted({r[0] for r in fx})
    assert len(months) == 37 and months[0] == "2022-12-01" and months[-1] == "2025-12-01"
    assert Counter(r[1] for r in fx) == {"USD": 37, "EUR": 37, "GBP": 37}
    assert {r[2] for r in fx if r[1] == "USD"} == {"1.000000"}


def test_every_rejection_reason_has_a_dirty_row() -> None:
    _, rows = _rows("raw_transactions.csv")
    invoice, line, customer, when, product, qty, price, currency = range(8)

    def has(predicate: Callable[[list[str]], object]) -> bool:
        return any(predicate(r) for r in rows)

    assert has(lambda r: r[invoice].strip() == "")  # missing_invoice
    assert has(lambda r: r[invoice].strip() != "" and r[customer].strip() == "")  # missing_customer
    for bad in ("2024-02-30", "yesterday", "2025-05-10T09:30:00Z", ""):  # invalid_date
        assert has(lambda r, bad=bad: r[invoice] and r[customer] and r[when] == bad), bad
    assert has(lambda r: r[invoice] and r[customer] and r[when] and r[product].strip() == "")  # missing_product
    for column, bad in (
        (qty, "1,000"),
        (price, "$12"),
        (qty, "NaN"),
        (price, "inf"),
        (qty, ""),
    ):  # invalid_number
        assert has(lambda r, c=column, b=bad: r[invoice] and r[product] and r[c] == b), bad
    assert has(lambda r: r[product] and r[qty] in ("0", "0.000") and not r[price].startswith("-"))  # zero_quantity
    assert has(lambda r: r[qty] not in ("0", "0.000") and r[price] == "-15.00")  # negative_price
    assert has(lambda r: r[currency] == "CHF")  # unknown_currency: no rate at all
    assert has(lambda r: r[currency] == "EUR" and r[when].startswith("2022-11"))  # unknown_currency: month
    counts = Counter(tuple(r) for r in rows)
    assert any(n > 1 for n in counts.values())  # duplicate_line: exact copy
    ones = {(r[invoice], r[line], r[customer], r[when], r[product], r[price]) for r in rows if r[qty] == "1"}
    assert has(lambda r: r[qty] == "1.0" and (r[0], r[1], r[2], r[3], r[4], r[6]) in ones)  # `1.0` vs `1`


def test_unlisted_customer_and_product_are_used() -> None:
    _, rows = _rows("raw_transactions.csv")
    _, customers = _rows("raw_customers.csv")
    _, products = _rows("raw_products.csv")
    assert "C9001" in {r[2] for r in rows} - {c[0] for c in customers}
    assert "LEGACY-0042" in {r[4] for r in rows} - {p[0] for p in products}


def _scale(tmp_path: Path, name: str, *extra: str) -> Path:
    out = tmp_path / name
    assert main(["generate", "--lines", "200000", "--out", str(out), "--seed", "7", *extra]) == 0
    return out


def test_scale_mode_is_deterministic_and_canonical(tmp_path: Path) -> None:
    first, second = _scale(tmp_path, "a"), _scale(tmp_path, "b")
    for relation, columns in CANONICAL.items():
        table = pq.read_table(first / f"{relation}.parquet")
        assert table.column_names == columns
        assert table.equals(pq.read_table(second / f"{relation}.parquet")), relation
    transactions = pq.read_table(first / "transactions.parquet")
    assert transactions.num_rows == 200_000
    assert pq.read_table(first / "customers.parquet").num_rows == 500
    assert str(transactions.schema.field("invoiced_at").type).startswith("timestamp")


def test_scale_mode_splits_the_last_month(tmp_path: Path) -> None:
    months = 13
    out = _scale(tmp_path, "split", "--split-last-month", "--months", str(months), "--end-month", "2024-06")
    history = pq.read_table(out / "transactions.parquet").to_pandas()
    last = pq.read_table(out / "transactions_last_month.parquet").to_pandas()
    assert len(history) + len(last) == 200_000 and len(last) > 0
    assert last["invoiced_at"].dt.strftime("%Y-%m").eq("2024-06").all()
    assert history["invoiced_at"].min().strftime("%Y-%m") == "2023-06"
    assert history["invoiced_at"].max().strftime("%Y-%m") == "2024-05"
    assert len(pq.read_table(out / "fx_rates.parquet")) == 3 * months
