"""Demo customers: firmographics with a heavy-tailed employee count and an annual spend level."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from segmentation.generator.catalog import (
    COUNTRIES,
    INDUSTRIES,
    NAME_NOUNS,
    NAME_PREFIXES,
    NAME_SUFFIXES,
    SIZE_BAND_MEDIAN_SPEND,
    size_band,
)

#: Employee counts written in a form staging must treat as null (negative or not an integer).
INVALID_EMPLOYEE_COUNTS: tuple[str, ...] = ("n/a", "-12", "1,200", "approx. 300", "45.5", "unknown")


@dataclass
class Customer:
    customer_id: str
    company_name: str
    industry: str  # "" = blank
    country: str  # "" = blank
    employee_count_raw: str  # raw text as written to the seed
    employee_count: int | None  # the value staging should derive
    currency: str
    annual_spend: float  # planned USD spend per year while engaged

    @property
    def size_band(self) -> str:
        return size_band(self.employee_count)

    def row(self) -> tuple[str, str, str, str, str]:
        return (self.customer_id, self.company_name, self.industry, self.country, self.employee_count_raw)


def _weighted(rng: random.Random, options: list[str], weights: list[float]) -> str:
    return rng.choices(options, weights=weights, k=1)[0]


def _employee_count(rng: random.Random) -> tuple[str, int | None]:
    draw = rng.random()
    if draw < 0.04:
        return "", None
    if draw < 0.055:
        return rng.choice(INVALID_EMPLOYEE_COUNTS), None
    # Log-normal: median ~60 employees, long tail into the tens of thousands.
    count = max(1, round(math.exp(rng.gauss(4.1, 1.45))))
    return str(count), count


def make_customer(rng: random.Random, customer_id: str, industry: str | None = None) -> Customer:
    """One random customer; `industry` forces the industry (scripted accounts)."""
    if industry is None:
        industry = _weighted(rng, [i[0] for i in INDUSTRIES], [i[1] for i in INDUSTRIES])
        if rng.random() < 0.02:
            industry = ""
    country = _weighted(rng, [c[0] for c in COUNTRIES], [c[1] for c in COUNTRIES])
    currency = next(c[2] for c in COUNTRIES if c[0] == country)
    raw_count, count = _employee_count(rng)
    name = f"{rng.choice(NAME_PREFIXES)} {rng.choice(NAME_NOUNS[industry])} {rng.choice(NAME_SUFFIXES[country])}"
    multiplier = next((i[2] for i in INDUSTRIES if i[0] == industry), 0.9)
    median = SIZE_BAND_MEDIAN_SPEND[size_band(count)] * multiplier
    spend = median * math.exp(rng.gauss(0.0, 0.85))
    return Customer(customer_id, name, industry, country, raw_count, count, currency, spend)


def with_employees(customer: Customer, count: int) -> Customer:
    """The customer re-sized to `count` employees (scripted accounts need a given size band)."""
    customer.employee_count_raw = str(count)
    customer.employee_count = count
    return customer
