"""Invoice building blocks shared by the random and the scripted demo accounts."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from segmentation.generator.catalog import (
    CURRENCY_PRICE_FACTOR,
    PRODUCTS_BY_ID,
    UNLISTED_PRODUCT_ID,
    UNLISTED_PRODUCT_PRICE_CENTS,
)
from segmentation.generator.customers import Customer
from segmentation.generator.months import parse_month

_PRICE_BASE_MONTH = parse_month("2022-12")


@dataclass
class Line:
    product_id: str
    quantity: str  # raw text, e.g. "3", "-2"
    unit_price: str  # raw text, e.g. "129.50"


@dataclass
class Invoice:
    customer: Customer
    kind: str  # "INV" (invoice) or "CN" (credit note)
    date: dt.date
    seconds: int | None  # time of day; None = written as a plain date
    time_style: str = "space"  # "space" (YYYY-MM-DD HH:MM:SS) or "T" (YYYY-MM-DDTHH:MM)
    lines: list[Line] = field(default_factory=list)
    blank_line_numbers: bool = False
    note: str = ""  # why a scripted invoice exists (not written anywhere)

    @property
    def month(self) -> int:
        return self.date.year * 12 + self.date.month - 1

    def invoiced_at(self) -> str:
        if self.seconds is None:
            return self.date.isoformat()
        hours, rest = divmod(self.seconds, 3600)
        minutes, secs = divmod(rest, 60)
        if self.time_style == "T":
            return f"{self.date.isoformat()}T{hours:02d}:{minutes:02d}"
        return f"{self.date.isoformat()} {hours:02d}:{minutes:02d}:{secs:02d}"

    def product_ids(self) -> set[str]:
        return {line.product_id for line in self.lines}


def format_cents(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(cents), 100)
    return f"{sign}{whole}.{frac:02d}"


def unit_price_cents(product_id: str, customer: Customer, discount: float, month: int) -> int:
    """Customer price in the invoice currency: list price, local price list, discount, 3 %/year inflation."""
    if product_id == UNLISTED_PRODUCT_ID:
        list_cents = UNLISTED_PRODUCT_PRICE_CENTS
    else:
        list_cents = PRODUCTS_BY_ID[product_id].list_price_cents
    years = (month - _PRICE_BASE_MONTH) // 12
    price = list_cents * CURRENCY_PRICE_FACTOR[customer.currency] * (1.0 - discount) * (1.03**years)
    return max(1, round(price))


def random_time(rng: random.Random) -> tuple[int | None, str]:
    """A time of day and its style: 45 % date only, 45 % `HH:MM:SS`, 10 % `THH:MM`."""
    draw = rng.random()
    if draw < 0.45:
        return None, "space"
    seconds = rng.randrange(7 * 3600, 19 * 3600)
    if draw < 0.90:
        return seconds, "space"
    return seconds - seconds % 60, "T"


def random_day(rng: random.Random, month: int, last_day: dt.date) -> dt.date:
    """A business-ish day of the month (weekends are rarer), never after `last_day`."""
    year, mon = divmod(month, 12)
    first = dt.date(year, mon + 1, 1)
    nxt = dt.date(year + (mon + 1) // 12, (mon + 1) % 12 + 1, 1)
    span = (min(nxt - dt.timedelta(days=1), last_day) - first).days + 1
    while True:
        day = first + dt.timedelta(days=rng.randrange(span))
        if day.weekday() < 5 or rng.random() < 0.15:
            return day
