"""The demo data set: customers, accounts and their invoices rendered as raw text rows (SPEC §1)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from segmentation.generator.accounts import Account, make_plan, simulate
from segmentation.generator.catalog import PRODUCTS, REPORTING_CURRENCY
from segmentation.generator.customers import Customer, make_customer
from segmentation.generator.dirty import FIXED_DIRTY_ROWS, DirtyRow, Row, duplicate_rows
from segmentation.generator.fx import fx_rates
from segmentation.generator.invoices import Invoice
from segmentation.generator.months import DEMO_FIRST_MONTH, DEMO_LAST_MONTH, month_start, parse_month
from segmentation.generator.scripted import build_scripted

DEFAULT_SEED = 42
RANDOM_ACCOUNTS = 470  # C0001 .. C0470; scripted accounts and listed-only prospects follow


@dataclass
class DemoData:
    transactions: list[Row]  # clean rows then dirty rows
    dirty: list[DirtyRow]
    customers: list[tuple[str, ...]]
    products: list[tuple[str, ...]]
    fx_rates: list[tuple[str, ...]]


def _last_day(last_month: int) -> dt.date:
    return month_start(last_month + 1) - dt.timedelta(days=1)


def build_accounts(seed: int) -> tuple[list[Customer], list[Account]]:
    first, last = parse_month(DEMO_FIRST_MONTH), parse_month(DEMO_LAST_MONTH)
    last_day = _last_day(last)
    customers: list[Customer] = []
    accounts: list[Account] = []
    for number in range(1, RANDOM_ACCOUNTS + 1):
        customer_id = f"C{number:04d}"
        rng = random.Random(f"{seed}-account-{customer_id}")
        customer = make_customer(rng, customer_id)
        account = Account(customer, make_plan(rng, customer, first, last))
        simulate(rng, account, last, last_day)
        customers.append(customer)
        accounts.append(account)
    scripted_customers, scripted_accounts = build_scripted(seed, first, last, last_day)
    return customers + scripted_customers, accounts + scripted_accounts


def _sort_key(invoice: Invoice) -> tuple[dt.date, int, str, str]:
    return (invoice.date, invoice.seconds or 0, invoice.customer.customer_id, invoice.kind)


def _currency_text(rng: random.Random, currency: str) -> str:
    """Raw currency as written: mostly clean; a few blank (reporting), lowercase or space-padded."""
    draw = rng.random()
    if currency == REPORTING_CURRENCY and draw < 0.03:
        return ""
    if 0.97 <= draw < 0.975:
        return currency.lower()
    if 0.975 <= draw < 0.98:
        return rng.choice([f" {currency}", f"{currency} ", f" {currency.lower()} "])
    return currency


def render_transactions(accounts: list[Account], seed: int) -> list[Row]:
    """Invoices in date order, numbered INV-100001.. / CN-500001.., one raw row per line."""
    rng = random.Random(f"{seed}-render")
    invoices = sorted((inv for acc in accounts for inv in acc.invoices), key=_sort_key)
    rows: list[Row] = []
    numbers = {"INV": 100_000, "CN": 500_000}
    for invoice in invoices:
        numbers[invoice.kind] += 1
        invoice_id = f"{invoice.kind}-{numbers[invoice.kind]}"
        blank_numbers = rng.random() < 0.01
        invoiced_at = invoice.invoiced_at()
        for position, line in enumerate(invoice.lines, start=1):
            rows.append(
                (
                    invoice_id,
                    "" if blank_numbers else str(position),
                    invoice.customer.customer_id,
                    invoiced_at,
                    line.product_id,
                    line.quantity,
                    line.unit_price,
                    _currency_text(rng, invoice.customer.currency),
                )
            )
    return rows


def build_demo(seed: int = DEFAULT_SEED) -> DemoData:
    customers, accounts = build_accounts(seed)
    clean = render_transactions(accounts, seed)
    dirty = list(FIXED_DIRTY_ROWS) + duplicate_rows(clean)
    first, last = parse_month(DEMO_FIRST_MONTH), parse_month(DEMO_LAST_MONTH)
    return DemoData(
        transactions=clean + [d.row for d in dirty],
        dirty=dirty,
        customers=[c.row() for c in sorted(customers, key=lambda c: c.customer_id)],
        products=[(p.product_id, p.product_name, p.product_line, p.is_core) for p in PRODUCTS],
        fx_rates=fx_rates(first, last, seed),
    )
