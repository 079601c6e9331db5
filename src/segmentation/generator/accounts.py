"""Random demo accounts: a lifecycle plan per customer, then monthly invoices from that plan.

Each account gets an acquisition month, engaged periods (churn, reactivation after short or long
gaps), a spend trend (expansion / contraction), a purchase frequency and a cross-sell path through the
product lines. Returns, credit notes, non-core lines and free samples are added on top.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field

from segmentation.generator.catalog import (
    CORE_PRODUCTS_BY_LINE,
    CURRENCY_PRICE_FACTOR,
    PRODUCT_LINES,
    PRODUCTS_BY_ID,
    UNASSIGNED_PRODUCTS,
)
from segmentation.generator.customers import Customer
from segmentation.generator.invoices import (
    Invoice,
    Line,
    format_cents,
    random_day,
    random_time,
    unit_price_cents,
)

#: Relative chance of each product line being an account's first line / the next cross-sell.
_LINE_WEIGHTS: dict[str, float] = {
    "Consumables": 3.0,
    "Peripherals": 2.5,
    "Hardware": 2.5,
    "Software": 2.0,
    "Networking": 1.2,
    "Cloud Services": 1.2,
    "Support & Maintenance": 1.0,
    "Training": 0.6,
}
_PROB_RETURN = 0.022  # per purchase line
_PROB_FOREIGN_CREDIT = 0.05  # per account: a credit note for a product line it never bought


@dataclass
class Plan:
    acquisition: int  # month index of the first invoice
    engaged: list[tuple[int, int]]  # inclusive month ranges with purchases
    drift: float  # monthly log-drift of spend (expansion > 0, contraction < 0)
    frequency: float  # chance of buying in an engaged month
    cross_sell: float  # chance per engaged month of adding a product line
    initial_lines: int
    discount: float

    def is_engaged(self, month: int) -> bool:
        return any(start <= month <= end for start, end in self.engaged)


@dataclass
class Account:
    customer: Customer
    plan: Plan
    invoices: list[Invoice] = field(default_factory=list)
    lines_owned: list[str] = field(default_factory=list)


def make_plan(rng: random.Random, customer: Customer, first: int, last: int) -> Plan:
    """Lifecycle plan over the months `first .. last`."""
    span = last - first
    draw = rng.random()
    if draw < 0.30:
        acquisition = first  # already a customer when the history starts
    elif draw < 0.82:
        acquisition = first + rng.randint(1, span - 12)
    else:
        acquisition = last - rng.randint(0, 11)  # acquired in the last 12 months: relationship `new`
    engaged: list[tuple[int, int]] = []
    start = acquisition
    while start <= last:
        churns = rng.random() < 0.30 and start + 2 <= last
        end = rng.randint(start + 1, last - 1) if churns else last  # churns after `end`
        engaged.append((start, end))
        if end >= last or rng.random() > 0.40:
            break
        gap = rng.randint(2, 4) if rng.random() < 0.6 else rng.randint(8, 18)  # short / long gap
        start = end + 1 + gap
    style = rng.random()
    drift = 0.028 if style < 0.30 else (-0.028 if style < 0.52 else 0.0)
    drift += rng.gauss(0.0, 0.008)
    log_spend = math.log10(max(customer.annual_spend, 100.0))
    frequency = min(0.95, max(0.25, 0.2 + 0.18 * (log_spend - 2.5)))
    big = customer.size_band in ("large", "enterprise")
    cross_sell = max(0.01, rng.gauss(0.075 if big else 0.045, 0.02))
    return Plan(
        acquisition=acquisition,
        engaged=engaged,
        drift=drift,
        frequency=frequency,
        cross_sell=cross_sell,
        initial_lines=1 if rng.random() < 0.55 else 2,
        discount=round(rng.uniform(0.0, 0.18), 3),
    )


def _next_line(rng: random.Random, owned: list[str]) -> str | None:
    options = [line for line in PRODUCT_LINES if line not in owned]
    if not options:
        return None
    return rng.choices(options, weights=[_LINE_WEIGHTS[o] for o in options], k=1)[0]


def _pick_products(rng: random.Random, owned: list[str], must_line: str | None, budget: float) -> list[str]:
    """1-6 distinct products from the owned lines (the `must_line` first), preferring affordable ones."""
    count = min(6, 1 + int(rng.expovariate(0.55)))
    chosen: list[str] = []
    lines = [must_line] if must_line else []
    lines += [rng.choice(owned) for _ in range(count - len(lines))]
    for line in lines:
        pool = [p for p in CORE_PRODUCTS_BY_LINE[line] if p.product_id not in chosen]
        if rng.random() < 0.015:
            pool = [p for p in UNASSIGNED_PRODUCTS if p.product_id not in chosen] or pool
        if not pool:
            continue
        share = budget / len(lines) * 100.0
        weights = [1.0 if p.list_price_cents <= share else (share / p.list_price_cents) ** 2 for p in pool]
        chosen.append(rng.choices(pool, weights=weights, k=1)[0].product_id)
    return chosen


def _non_core_lines(rng: random.Random, account: Account, month: int, subtotal_usd: float) -> list[Line]:
    lines: list[Line] = []
    factor = CURRENCY_PRICE_FACTOR[account.customer.currency]

    def fixed(product_id: str, quantity: str) -> Line:
        return Line(product_id, quantity, format_cents(round(PRODUCTS_BY_ID[product_id].list_price_cents * factor)))

    draw = rng.random()
    if draw < 0.30:
        lines.append(fixed("SHIP-STD", "1"))
    elif draw < 0.38:
        lines.append(fixed("SHIP-EXP", "1"))
    if subtotal_usd < 150 and rng.random() < 0.5:
        lines.append(fixed("FEE-HANDLING", "1"))
    if rng.random() < 0.015:
        lines.append(fixed("VOUCHER", "-1"))
    if rng.random() < 0.01:
        lines.append(fixed("FEE-LATE", "1"))
    if rng.random() < 0.006:
        cents = rng.randint(1, 4_000)
        lines.append(Line("ADJ-MANUAL", rng.choice(["1", "-1"]), format_cents(cents)))
    return lines


def _purchase_invoice(
    rng: random.Random, account: Account, month: int, budget: float, must_line: str | None, last_day: dt.date
) -> Invoice:
    customer, plan = account.customer, account.plan
    seconds, style = random_time(rng)
    invoice = Invoice(customer, "INV", random_day(rng, month, last_day), seconds, style)
    products = _pick_products(rng, account.lines_owned, must_line, budget)
    weights = [rng.uniform(0.5, 1.5) for _ in products]
    subtotal = 0.0
    for product_id, weight in zip(products, weights, strict=True):
        cents = unit_price_cents(product_id, customer, plan.discount, month)
        usd_cents = cents / CURRENCY_PRICE_FACTOR[customer.currency]
        quantity = max(1, min(400, round(budget * 100.0 * weight / sum(weights) / usd_cents)))
        subtotal += quantity * usd_cents / 100.0
        invoice.lines.append(Line(product_id, str(quantity), format_cents(cents)))
    if rng.random() < 0.02:  # free sample: a core product at price 0
        samples = [p for p in CORE_PRODUCTS_BY_LINE["Consumables"] if p.product_id not in products]
        invoice.lines.append(Line(rng.choice(samples).product_id, str(rng.randint(1, 3)), "0.00"))
    invoice.lines += _non_core_lines(rng, account, month, subtotal)
    return invoice


def simulate(rng: random.Random, account: Account, last: int, last_day: dt.date) -> None:
    """Fill `account.invoices` with monthly purchases following the plan."""
    plan = account.plan
    owned = account.lines_owned
    while len(owned) < plan.initial_lines:
        owned.append(_next_line(rng, owned) or PRODUCT_LINES[0])
    level = 1.0
    for month in range(plan.acquisition, last + 1):
        if not plan.is_engaged(month):
            continue
        level = min(4.0, max(0.25, level * math.exp(plan.drift + rng.gauss(0.0, 0.08))))
        new_line = None
        if month > plan.acquisition and rng.random() < plan.cross_sell:
            new_line = _next_line(rng, owned)
            if new_line:
                owned.append(new_line)
        first_of_period = any(start == month for start, _ in plan.engaged)
        if not (first_of_period or new_line or rng.random() < plan.frequency):
            continue
        budget = account.customer.annual_spend / 12.0 / plan.frequency * level
        budget *= math.exp(rng.gauss(0.0, 0.3))
        # Invoices this month: ~1 for small accounts, ~4 for the largest.
        extra = min(0.75, max(0.05, (math.log10(max(account.customer.annual_spend, 1.0)) - 3.3) / 3.0))
        count = 1 + sum(rng.random() < extra for _ in range(4))
        for index in range(count):
            must = new_line if index == 0 else None
            account.invoices.append(_purchase_invoice(rng, account, month, budget / count, must, last_day))
    _add_returns(rng, account, last_day)


def _add_returns(rng: random.Random, account: Account, last_day: dt.date) -> None:
    """Credit notes: returns of bought lines, and the odd credit for a product line never bought."""
    credits: list[Invoice] = []
    for invoice in account.invoices:
        for line in invoice.lines:
            product = PRODUCTS_BY_ID.get(line.product_id)
            if product is None or not product.core or line.unit_price == "0.00" or rng.random() >= _PROB_RETURN:
                continue
            date = invoice.date + dt.timedelta(days=rng.randint(3, 45))
            if date > last_day:
                continue
            bought = int(line.quantity)
            returned = bought if rng.random() < 0.4 else rng.randint(1, bought)
            seconds, style = random_time(rng)
            credit = Invoice(account.customer, "CN", date, seconds, style, note="return")
            credit.lines.append(Line(line.product_id, str(-returned), line.unit_price))
            credits.append(credit)
    never = [line for line in PRODUCT_LINES if line not in account.lines_owned]
    if account.invoices and never and rng.random() < _PROB_FOREIGN_CREDIT:
        anchor = rng.choice(account.invoices)
        date = min(anchor.date + dt.timedelta(days=rng.randint(1, 20)), last_day)
        product = rng.choice(CORE_PRODUCTS_BY_LINE[rng.choice(never)])
        cents = unit_price_cents(product.product_id, account.customer, account.plan.discount, anchor.month)
        credit = Invoice(account.customer, "CN", date, None, "space", note="credit for a line never bought")
        credit.lines.append(Line(product.product_id, str(-rng.randint(1, 2)), format_cents(cents)))
        credits.append(credit)
    account.invoices += credits
