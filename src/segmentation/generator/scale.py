"""Scale mode: N transaction lines as Parquet in the canonical shape, vectorised with numpy / pyarrow.

Customers (~1 per 2,000 lines, at least 500) get a heavy-tailed weight, an active month range and a
currency; invoices are drawn per customer and month, then expanded to lines one Parquet row group
(1M lines) at a time, so memory holds the invoices rather than the lines (100M lines need a few GB).
There is no Python loop per row or per invoice. With `split_last_month` the last month's lines go to
`transactions_last_month.parquet` (the history to `transactions.parquet`), for append benchmarks.

`dirty_share` (0 by default, about 0.005 for benchmarks) turns that share of the lines into the rows a real
feed has (`segmentation.generator.scale_dirty`): exact duplicates, padded ids, bad numbers and dates, unknown
currencies, zero quantities, negative prices, blank ids and, in the CSV copy (`csv`), records with more fields
than the header, so the benchmark times the quarantine paths. The clean draws are unchanged: the dirt has its
own random stream.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from segmentation.generator.catalog import (
    COUNTRIES,
    CURRENCIES,
    CURRENCY_PRICE_FACTOR,
    INDUSTRIES,
    NAME_PREFIXES,
    PRODUCTS,
    SIZE_BAND_MEDIAN_SPEND,
)
from segmentation.generator.fx import fx_rates
from segmentation.generator.months import parse_month
from segmentation.generator.scale_dirty import CsvTransactionsWriter, dirty_rows

LINES_PER_CUSTOMER = 2_000
MIN_CUSTOMERS = 500
_MEAN_LINES_PER_INVOICE = 3.5
_CREDIT_NOTE_SHARE = 0.03
_ROW_GROUP_SIZE = 1_000_000

TRANSACTIONS_FILE = "transactions.parquet"
LAST_MONTH_FILE = "transactions_last_month.parquet"


@dataclass(frozen=True)
class ScaleOptions:
    lines: int
    seed: int = 42
    months: int = 37
    end_month: str = "2025-12"
    customers: int | None = None
    split_last_month: bool = False
    dirty_share: float = 0.0
    csv: bool = False  # also write the transactions as RFC 4180 CSV text (transactions*.csv)
    malformed_csv: bool = True  # with csv and dirty_share: some CSV records get a field more than the header

    @property
    def customer_count(self) -> int:
        return self.customers or max(MIN_CUSTOMERS, self.lines // LINES_PER_CUSTOMER)


def _decimal_array(unscaled: np.ndarray, precision: int, scale: int) -> pa.Array:
    """decimal128 array from int64 unscaled values (value = unscaled / 10**scale), without Python objects."""
    words = np.empty((len(unscaled), 2), dtype="<i8")
    words[:, 0] = unscaled
    words[:, 1] = np.where(unscaled < 0, -1, 0)
    return pa.Array.from_buffers(pa.decimal128(precision, scale), len(unscaled), [None, pa.py_buffer(words)])


def _ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    """`prefix` + zero-padded numbers, built by pyarrow compute (no Python loop)."""
    digits = pc.utf8_lpad(pc.cast(pa.array(numbers), pa.string()), width=width, padding="0")
    return pc.binary_join_element_wise(pa.scalar(prefix), digits, "")


def _customers(rng: np.random.Generator, count: int) -> tuple[pa.Table, np.ndarray, np.ndarray]:
    """Customers table, plus per customer the currency index and the annual spend level (USD)."""
    industry_names = [i[0] for i in INDUSTRIES]
    industry = rng.choice(len(INDUSTRIES), size=count, p=np.array([i[1] for i in INDUSTRIES]) / 1.0)
    country_share = np.array([c[1] for c in COUNTRIES])
    country = rng.choice(len(COUNTRIES), size=count, p=country_share / country_share.sum())
    currency = np.array([CURRENCIES.index(c[2]) for c in COUNTRIES])[country]
    employees = np.maximum(1, np.round(np.exp(rng.normal(4.1, 1.45, size=count)))).astype(np.int64)
    blank = rng.random(count) < 0.04
    bands = np.searchsorted(np.array([50, 250, 1000]), employees, side="right")  # 0 small .. 3 enterprise
    median = np.array([SIZE_BAND_MEDIAN_SPEND[b] for b in ("small", "mid", "large", "enterprise")])[bands]
    spend = median * np.array([i[2] for i in INDUSTRIES])[industry] * np.exp(rng.normal(0.0, 0.85, size=count))
    ids = _ids("C", np.arange(1, count + 1), 7)
    prefix = pa.array(NAME_PREFIXES).take(pa.array(rng.integers(0, len(NAME_PREFIXES), size=count)))
    names = pc.binary_join_element_wise(prefix, pa.scalar("Customer"), ids, " ")
    table = pa.table(
        {
            "customer_id": ids,
            "company_name": names,
            "industry": pa.array(industry_names).take(pa.array(industry)),
            "country": pa.array([c[0] or None for c in COUNTRIES]).take(pa.array(country)),
            "employee_count": pa.array(employees, mask=blank),
        }
    )
    return table, currency, spend


def _products() -> tuple[pa.Table, np.ndarray, np.ndarray]:
    """Products table, list prices in cents and a popularity weight per product."""
    table = pa.table(
        {
            "product_id": [p.product_id for p in PRODUCTS],
            "product_name": [p.product_name for p in PRODUCTS],
            "product_line": [p.product_line or None for p in PRODUCTS],
            "is_core": [p.core for p in PRODUCTS],
        }
    )
    prices = np.array([p.list_price_cents for p in PRODUCTS], dtype=np.float64)
    core = np.array([p.core for p in PRODUCTS])
    # Cheaper core products sell more often; non-core items (shipping, fees, ...) ~8 % of the picks.
    popularity = np.where(core, 1.0 / np.maximum(prices, 2_000.0), 0.0)
    popularity = np.where(core, 0.92 * popularity / popularity.sum(), 0.08 / (~core).sum())
    return table, prices, popularity


def _fx(first: int, last: int, seed: int) -> pa.Table:
    rows = fx_rates(first, last, seed)
    return pa.table(
        {
            "month": pa.array([dt.date.fromisoformat(m) for m, _, _ in rows], pa.date32()),
            "currency": [c for _, c, _ in rows],
            "rate_to_reporting": pa.array([Decimal(r) for _, _, r in rows], pa.decimal128(18, 6)),
        }
    )


def _chunks(total: int, size: int = _ROW_GROUP_SIZE) -> list[tuple[int, int]]:
    """[low, high) ranges of at most `size` covering 0 .. total."""
    return [(low, min(low + size, total)) for low in range(0, total, size)]


def _line_counts(rng: np.random.Generator, lines: int) -> np.ndarray:
    """Lines per invoice (1..20) summing exactly to `lines`."""
    counts = np.empty(0, dtype=np.int64)
    while counts.sum() < lines:
        draw = 1 + rng.poisson(_MEAN_LINES_PER_INVOICE - 1.0, size=int(lines / _MEAN_LINES_PER_INVOICE * 1.05) + 10)
        counts = np.concatenate([counts, np.minimum(draw, 20)])
    cumulative = np.cumsum(counts)
    keep = int(np.searchsorted(cumulative, lines)) + 1
    counts = counts[:keep].copy()
    counts[-1] -= cumulative[keep - 1] - lines
    return counts


def generate_scale(options: ScaleOptions, out_dir: Path, progress: Callable[[str], None] = print) -> dict[str, int]:
    """Write the Parquet files into `out_dir`; returns {file name: rows}."""
    started = time.perf_counter()

    def step(message: str) -> None:
        progress(f"[{time.perf_counter() - started:6.1f} s] {message}")

    if options.lines < 1 or options.months < 1:
        raise ValueError("--lines and --months must be positive")
    rng = np.random.default_rng(options.seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    last = parse_month(options.end_month)
    first = last - options.months + 1
    n_customers = options.customer_count
    step(f"{options.lines:,} lines, {n_customers:,} customers, {options.months} months to {options.end_month}")

    customers, currency, spend = _customers(rng, n_customers)
    products, list_cents, popularity = _products()

    # Per customer: active month range (some churn early, a share starts late) and a line weight.
    start = np.where(rng.random(n_customers) < 0.3, 0, rng.integers(0, options.months, size=n_customers))
    end = np.where(
        rng.random(n_customers) < 0.75,
        options.months - 1,
        rng.integers(start, options.months, dtype=np.int64),
    )
    span = end - start + 1
    discount = rng.uniform(0.0, 0.18, size=n_customers)
    # Lines per active month grow faster than spend (spend ** 1.5): a heavy tail of large accounts
    # and many small ones, so every value tier occurs; times the active span so months stay level.
    weight = spend**1.5 * span
    weight /= weight.sum()

    counts = _line_counts(rng, options.lines)
    n_invoices = len(counts)
    step(f"{n_invoices:,} invoices")
    inv_customer = rng.choice(n_customers, size=n_invoices, p=weight)
    inv_month = start[inv_customer] + (rng.random(n_invoices) * span[inv_customer]).astype(np.int64)
    month_days = (np.arange(first, last + 2) // 12 - 1970) * 12 + np.arange(first, last + 2) % 12
    month_first_day = np.array(month_days, dtype="datetime64[M]").astype("datetime64[D]").astype(np.int64)
    days_in_month = np.diff(month_first_day)
    inv_day = month_first_day[inv_month] + (rng.random(n_invoices) * days_in_month[inv_month]).astype(np.int64)
    inv_seconds = np.where(rng.random(n_invoices) < 0.3, 0, rng.integers(7 * 3600, 19 * 3600, size=n_invoices))
    inv_credit = rng.random(n_invoices) < _CREDIT_NOTE_SHARE
    inv_time = inv_day * 86_400 + inv_seconds
    order = np.lexsort((inv_customer, inv_time))
    inv_customer, inv_month, inv_time, inv_credit, counts = (
        inv_customer[order], inv_month[order], inv_time[order], inv_credit[order], counts[order],
    )  # fmt: skip
    invoice_ids = pc.if_else(
        pa.array(inv_credit),
        _ids("CN-", np.arange(1, n_invoices + 1), 9),
        _ids("INV-", np.arange(1, n_invoices + 1), 9),
    )
    step("invoices drawn and numbered")

    # Lines: expand invoices, distinct products within an invoice (a random offset into a permutation).
    # The lines are built and written one row group at a time, so memory holds the invoices, not the lines
    # (100M lines fit in a few GB). The per-line draws are taken first, in the order one draw of every
    # line would take them: chunked draws from the generator give the same numbers.
    permutation = rng.permutation(len(PRODUCTS))
    base = rng.choice(len(PRODUCTS), size=n_invoices, p=popularity)
    position = np.argsort(permutation)[base]
    free_sample = np.empty(options.lines, dtype=bool)
    for low, high in _chunks(options.lines):
        free_sample[low:high] = rng.random(high - low) < 0.005
    quantity_draw = np.empty(options.lines, dtype=np.int16)  # geometric(0.35): single or double digits
    for low, high in _chunks(options.lines):
        quantity_draw[low:high] = rng.geometric(0.35, size=high - low)
    step("lines drawn")

    invoice_end = np.cumsum(counts)
    customer_ids = customers.column("customer_id").combine_chunks()
    product_ids = products.column("product_id").combine_chunks()
    currency_codes = pa.array(list(CURRENCIES))
    currency_factor = np.array([CURRENCY_PRICE_FACTOR[c] for c in CURRENCIES])
    names = [TRANSACTIONS_FILE, LAST_MONTH_FILE] if options.split_last_month else [TRANSACTIONS_FILE]
    writers: dict[str, pq.ParquetWriter] = {}
    csv_writers: dict[str, CsvTransactionsWriter] = {}
    dirty_rng = np.random.default_rng([options.seed, 0xD127])
    dirty_counts: dict[str, int] = {}
    written: dict[str, int] = dict.fromkeys(names, 0)
    for low, high in _chunks(options.lines):
        lines = np.arange(low, high, dtype=np.int64)
        line_invoice = np.searchsorted(invoice_end, lines, side="right")
        line_number = lines - (invoice_end[line_invoice] - counts[line_invoice]) + 1
        product = permutation[(position[line_invoice] + line_number - 1) % len(PRODUCTS)]
        customer = inv_customer[line_invoice]
        price_factor = currency_factor[currency[customer]]
        years = (inv_month[line_invoice] // 12).astype(np.float64)
        price_cents = np.round(list_cents[product] * price_factor * (1.0 - discount[customer]) * 1.03**years)
        price_cents = np.where(free_sample[low:high], 0, price_cents).astype(np.int64)  # free samples
        quantity = quantity_draw[low:high].astype(np.int64)
        quantity = np.where(inv_credit[line_invoice], -quantity, quantity)
        chunk = pa.table(
            {
                "invoice_id": invoice_ids.take(pa.array(line_invoice)),
                "line_number": pa.array(line_number, pa.int32()),
                "customer_id": customer_ids.take(pa.array(customer)),
                "invoiced_at": pa.array(inv_time[line_invoice], pa.timestamp("s")),
                "product_id": product_ids.take(pa.array(product)),
                "quantity": _decimal_array(quantity * 1000, 18, 3),
                "unit_price": _decimal_array(price_cents, 18, 2),
                "currency": currency_codes.take(pa.array(currency[customer])),
            }
        )
        source = np.arange(high - low)
        dirty = dirty_rows(dirty_rng, chunk, options.dirty_share)
        if dirty is not None:
            chunk, source = dirty.table, dirty.source
            for kind, count in dirty.counts().items():
                dirty_counts[kind] = dirty_counts.get(kind, 0) + count
        if options.split_last_month:
            is_last = inv_month[line_invoice[source]] == options.months - 1
            masks = {TRANSACTIONS_FILE: ~is_last, LAST_MONTH_FILE: is_last}
        else:
            masks = {TRANSACTIONS_FILE: np.ones(high - low, dtype=bool)}
        for name, mask in masks.items():
            table = chunk.filter(pa.array(mask))
            if name not in writers:
                writers[name] = pq.ParquetWriter(out_dir / name, table.schema, compression="zstd")
            writers[name].write_table(table, row_group_size=_ROW_GROUP_SIZE)
            written[name] += table.num_rows
            if options.csv:
                if name not in csv_writers:
                    csv_writers[name] = CsvTransactionsWriter(out_dir / name.replace(".parquet", ".csv"))
                csv_writers[name].write(
                    table, dirty.text_overrides(mask) if dirty is not None else None, malformed=options.malformed_csv
                )
        if high == options.lines or (high // _ROW_GROUP_SIZE) % 10 == 0:
            step(f"{high:,} lines written")
    for writer in writers.values():
        writer.close()
    for csv_writer in csv_writers.values():
        csv_writer.close()
    if dirty_counts:
        step("dirty rows: " + ", ".join(f"{kind} {count:,}" for kind, count in sorted(dirty_counts.items())))
        written.update({f"dirty:{kind}": count for kind, count in dirty_counts.items()})
    for name in names:
        step(f"wrote {name} ({written[name]:,} rows)")
    if not options.split_last_month and (out_dir / LAST_MONTH_FILE).exists():
        (out_dir / LAST_MONTH_FILE).unlink()  # a stale split from an earlier run would double-count
    for name, table in (
        ("customers.parquet", customers),
        ("products.parquet", products),
        ("fx_rates.parquet", _fx(first, last, options.seed)),
    ):
        pq.write_table(table, out_dir / name, compression="zstd")
        written[name] = table.num_rows
    step("wrote customers, products and fx_rates")
    return written
