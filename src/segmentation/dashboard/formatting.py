"""How the dashboard writes numbers: amounts with the reporting currency, ratios as percentages."""

from __future__ import annotations

import math
from typing import Any

#: Symbols of common reporting currencies; any other code is written before the amount (`CHF 1,234`).
SYMBOLS: dict[str, str] = {"USD": "$", "GBP": "£", "EUR": "€", "JPY": "¥"}


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def money(value: Any, currency: str, decimals: int = 0) -> str:
    """`$1,234,568` / `-£12` / `CHF 1,234`; `\N{EN DASH}` when there is no value."""
    if _missing(value):
        return "\N{EN DASH}"
    number = float(value)
    symbol = SYMBOLS.get(currency.upper())
    body = f"{abs(number):,.{decimals}f}"
    sign = "-" if number < 0 and float(body.replace(",", "")) != 0 else ""
    return f"{sign}{symbol}{body}" if symbol else f"{sign}{currency.upper()} {body}"


def percent(value: Any, decimals: int = 1) -> str:
    if _missing(value):
        return "\N{EN DASH}"
    return f"{float(value) * 100:.{decimals}f}%"


def count(value: Any) -> str:
    if _missing(value):
        return "\N{EN DASH}"
    return f"{int(value):,}"


def hours(value: Any) -> str:
    if _missing(value):
        return "\N{EN DASH}"
    return f"{float(value):,.1f} h"


def month_label(value: Any) -> str:
    return f"{value:%Y-%m}"
