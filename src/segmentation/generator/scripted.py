"""Scripted demo accounts: edge cases and segment cells that must exist at the last month.

Random accounts cover the bulk; the accounts here make sure every behaviour listed in
docs/demo_data.md occurs whatever the random draws. Each has a fixed id and a one-line purpose.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from segmentation.generator.accounts import Account, Plan, simulate
from segmentation.generator.catalog import UNLISTED_PRODUCT_ID
from segmentation.generator.customers import Customer, make_customer, with_employees
from segmentation.generator.invoices import Invoice, Line, format_cents, unit_price_cents
from segmentation.generator.months import parse_month

#: Customer id used in transactions but absent from the customers relation.
UNLISTED_CUSTOMER_ID = "C9001"


@dataclass(frozen=True)
class Script:
    customer_id: str
    purpose: str
    industry: str
    employees: int | None
    currency: str | None  # None = the country's currency


def _m(label: str) -> int:
    return parse_month(label)


def _d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _explicit(
    customer: Customer, kind: str, day: str, lines: list[tuple[str, int]], seconds: int | None = None
) -> Invoice:
    """An invoice with (product, quantity) lines at the customer's undiscounted price."""
    date = _d(day)
    invoice = Invoice(customer, kind, date, seconds, "space")
    for product_id, quantity in lines:
        cents = unit_price_cents(product_id, customer, 0.0, date.year * 12 + date.month - 1)
        invoice.lines.append(Line(product_id, str(quantity), format_cents(cents)))
    return invoice


def _monthly(
    customer: Customer, first: str, last: str, product_id: str, quantity: int, skip: set[str]
) -> list[Invoice]:
    """One invoice on the 10th of every month `first .. last` except the months in `skip`."""
    invoices = []
    for month in range(_m(first), _m(last) + 1):
        label = f"{month // 12:04d}-{month % 12 + 1:02d}"
        if label not in skip:
            invoices.append(_explicit(customer, "INV", f"{label}-10", [(product_id, quantity)], 36_000))
    return invoices


def _plan(acquisition: str, engaged: list[tuple[str, str]], **kwargs: float) -> Plan:
    return Plan(
        acquisition=_m(acquisition),
        engaged=[(_m(a), _m(b)) for a, b in engaged],
        drift=kwargs.get("drift", 0.0),
        frequency=kwargs.get("frequency", 0.9),
        cross_sell=kwargs.get("cross_sell", 0.05),
        initial_lines=int(kwargs.get("initial_lines", 2)),
        discount=kwargs.get("discount", 0.05),
    )


SCRIPTS: tuple[Script, ...] = (
    Script("C0471", "first ever line is a credit note (Mar 2023); acquired later (Jun 2023)", "Retail", 120, None),
    Script(
        "C0472",
        "only a credit note (Feb 2025): never acquired, negative T12M, lifecycle prospect",
        "Education",
        30,
        "USD",
    ),
    Script(
        "C0473",
        "net revenue exactly 0 in Sep 2025 (purchase and full return in the month)",
        "Technology",
        80,
        "USD",
    ),
    Script(
        "C0474",
        "churned Jun 2024, credit note Mar 2025: negative T12M at the end (inactive)",
        "Construction",
        140,
        None,
    ),
    Script(
        "C0475",
        "enterprise account that stopped in Sep 2024: inactive with high potential (win_back)",
        "Manufacturing",
        2500,
        "USD",
    ),
    Script(
        "C0476",
        "large account acquired Jul 2025 buying little: low value, high potential (hidden_gem)",
        "Manufacturing",
        600,
        "USD",
    ),
    Script(
        "C0477",
        "enterprise account at ~150k/yr in a richer peer group (strategic_growth)",
        "Manufacturing",
        1800,
        "USD",
    ),
    Script("C0478", "partner: since Dec 2022, cross-sells into 5+ product lines", "Manufacturing", 4200, "USD"),
    Script("C0479", "partner: since Dec 2022, cross-sells into 5+ product lines", "Manufacturing", 3100, "EUR"),
    Script("C0480", "partner: since Dec 2022, cross-sells into 5+ product lines", "Manufacturing", 1500, "GBP"),
    Script("C0481", "enterprise peer of the Manufacturing / enterprise group", "Manufacturing", 9000, "USD"),
    Script("C0482", "enterprise peer of the Manufacturing / enterprise group", "Manufacturing", 1200, "EUR"),
    Script("C0483", "reactivation after a short gap (2 months, 2024)", "Healthcare", 90, None),
    Script("C0484", "reactivation after a long gap (14 months, 2023-2024)", "Logistics", 180, None),
    Script(
        "C0485",
        "buys a product missing from the products relation (LEGACY-0042); exponent quantity 1.5e1",
        "Technology",
        45,
        "USD",
    ),
    Script(
        "C0486",
        "dormant: small account that churned in 2023 (inactive, low potential)",
        "Education",
        12,
        None,
    ),
    Script("C0487", "established: 3-4 product lines, steady since 2023", "Healthcare", 300, None),
    Script("C0488", "medium account in a rich peer group (develop)", "Manufacturing", 2000, "USD"),
    Script(
        "C0489",
        "rare industry (Agriculture, 2 accounts): peer group falls back to `all`",
        "Agriculture",
        35,
        None,
    ),
    Script("C0490", "rare industry (Agriculture, 2 accounts): churned in 2024", "Agriculture", 400, None),
)

#: Customers listed in the customers relation that never appear in transactions (prospects).
LISTED_ONLY_IDS: tuple[str, ...] = tuple(f"C{i:04d}" for i in range(491, 501))


def _customer(rng: random.Random, script: Script) -> Customer:
    customer = make_customer(rng, script.customer_id, industry=script.industry)
    if script.employees is not None:
        with_employees(customer, script.employees)
    if script.currency is not None:
        customer.currency = script.currency
        customer.country = {"USD": "US", "EUR": "DE", "GBP": "GB"}[script.currency]
    return customer


def build_scripted(seed: int, first: int, last: int, last_day: dt.date) -> tuple[list[Customer], list[Account]]:
    """The scripted customers (incl. listed-only prospects) and the accounts with their invoices."""
    customers: list[Customer] = []
    accounts: list[Account] = []
    builders: dict[str, Callable[[Account, random.Random], None]] = _builders(last_day)
    for script in SCRIPTS:
        rng = random.Random(f"{seed}-scripted-{script.customer_id}")
        customer = _customer(rng, script)
        customers.append(customer)
        account = Account(customer, _plan("2022-12", [("2022-12", "2025-12")]))
        builders[script.customer_id](account, rng)
        accounts.append(account)
    for customer_id in LISTED_ONLY_IDS:
        customers.append(make_customer(random.Random(f"{seed}-listed-{customer_id}"), customer_id))
    # A customer that buys but is missing from the customers relation.
    rng = random.Random(f"{seed}-scripted-{UNLISTED_CUSTOMER_ID}")
    ghost = make_customer(rng, UNLISTED_CUSTOMER_ID, industry="Logistics")
    ghost.currency = "USD"
    account = Account(ghost, _plan("2025-02", [("2025-02", "2025-12")], frequency=0.5, initial_lines=1))
    simulate(rng, account, last, last_day)
    accounts.append(account)
    return customers, accounts


def _simulated(plan: Plan, spend: float | None = None) -> Callable[[Account, random.Random], None]:
    def build(account: Account, rng: random.Random) -> None:
        account.plan = plan
        if spend is not None:
            account.customer.annual_spend = spend
        simulate(rng, account, plan.engaged[-1][1], _d("2025-12-31"))

    return build


def _builders(last_day: dt.date) -> dict[str, Callable[[Account, random.Random], None]]:
    def c0471(account: Account, rng: random.Random) -> None:
        c = account.customer
        account.invoices.append(_explicit(c, "CN", "2023-03-14", [("PER-1003", -2)]))
        account.invoices += _monthly(c, "2023-06", "2025-12", "CON-1001", 6, skip={"2024-02", "2025-04"})
        account.invoices.append(_explicit(c, "INV", "2024-05-21", [("PER-1004", 3), ("SW-1006", 5)], 50_400))

    def c0472(account: Account, rng: random.Random) -> None:
        account.invoices.append(_explicit(account.customer, "CN", "2025-02-20", [("CON-1001", -1)]))

    def c0473(account: Account, rng: random.Random) -> None:
        c = account.customer
        account.invoices += _monthly(c, "2024-01", "2025-12", "SW-1002", 10, skip={"2025-09"})
        account.invoices.append(_explicit(c, "INV", "2025-09-05", [("SW-1006", 4), ("SHIP-STD", 1)], 40_000))
        account.invoices.append(_explicit(c, "CN", "2025-09-22", [("SW-1006", -4)], 41_000))

    def c0474(account: Account, rng: random.Random) -> None:
        c = account.customer
        account.invoices += _monthly(c, "2023-02", "2024-06", "PER-1001", 4, skip=set())
        account.invoices.append(_explicit(c, "CN", "2025-03-10", [("PER-1001", -3)]))

    def c0485(account: Account, rng: random.Random) -> None:
        c = account.customer
        account.invoices += _monthly(c, "2024-03", "2025-11", "CON-1003", 12, skip={"2024-08"})
        account.invoices.append(_explicit(c, "INV", "2024-06-12", [(UNLISTED_PRODUCT_ID, 2)], 30_000))
        late = _explicit(c, "INV", "2025-12-31", [(UNLISTED_PRODUCT_ID, 1), ("CON-1002", 15)], 60_300)
        late.lines[1].quantity = "1.5e1"  # valid exponent notation (= 15)
        account.invoices.append(late)

    return {
        "C0471": c0471,
        "C0472": c0472,
        "C0473": c0473,
        "C0474": c0474,
        "C0475": _simulated(_plan("2022-12", [("2022-12", "2024-09")], frequency=0.95), spend=260_000),
        "C0476": _simulated(_plan("2025-07", [("2025-07", "2025-12")], frequency=0.7, initial_lines=1), 4_000),
        "C0477": _simulated(_plan("2023-03", [("2023-03", "2025-12")], frequency=0.95), spend=125_000),
        "C0478": _simulated(_plan("2022-12", [("2022-12", "2025-12")], cross_sell=0.22, drift=0.01), 420_000),
        "C0479": _simulated(_plan("2022-12", [("2022-12", "2025-12")], cross_sell=0.22), 380_000),
        "C0480": _simulated(_plan("2022-12", [("2022-12", "2025-12")], cross_sell=0.25, drift=-0.01), 300_000),
        "C0481": _simulated(_plan("2023-01", [("2023-01", "2025-12")], frequency=0.95), spend=650_000),
        "C0482": _simulated(_plan("2022-12", [("2022-12", "2025-12")], frequency=0.95), spend=340_000),
        "C0483": _simulated(_plan("2023-04", [("2023-04", "2024-03"), ("2024-06", "2025-12")]), spend=30_000),
        "C0484": _simulated(_plan("2023-01", [("2023-01", "2023-07"), ("2024-10", "2025-12")]), spend=24_000),
        "C0485": c0485,
        "C0486": _simulated(_plan("2023-02", [("2023-02", "2023-09")], frequency=0.5, initial_lines=1), 1_500),
        "C0487": _simulated(_plan("2023-05", [("2023-05", "2025-12")], cross_sell=0.0, initial_lines=3), 40_000),
        "C0489": _simulated(_plan("2023-09", [("2023-09", "2025-12")], frequency=0.6, initial_lines=1), 6_000),
        "C0490": _simulated(_plan("2023-01", [("2023-01", "2024-05")], frequency=0.6), 30_000),
        "C0488": _simulated(_plan("2023-08", [("2023-08", "2025-12")], frequency=0.9, initial_lines=1), 35_000),
    }
