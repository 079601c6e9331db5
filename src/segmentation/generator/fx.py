"""Monthly FX table: one row per month and currency, `rate_to_reporting` (USD per unit).

A seeded random walk around realistic levels; the reporting currency always has rate 1.
"""

from __future__ import annotations

import random

from segmentation.generator.catalog import CURRENCIES, REPORTING_CURRENCY
from segmentation.generator.months import month_start

#: Starting level and monthly volatility of each non-reporting currency.
_FX_START: dict[str, tuple[float, float]] = {"EUR": (1.0650, 0.014), "GBP": (1.2150, 0.013)}


def fx_rates(first_month: int, last_month: int, seed: int) -> list[tuple[str, str, str]]:
    """Rows (month `YYYY-MM-01`, currency, rate text with 6 decimals), ordered by month then currency."""
    rng = random.Random(f"fx-{seed}")
    level = {code: start for code, (start, _) in _FX_START.items()}
    rows: list[tuple[str, str, str]] = []
    for month in range(first_month, last_month + 1):
        day_one = month_start(month).isoformat()
        for code in CURRENCIES:
            if code == REPORTING_CURRENCY:
                rows.append((day_one, code, "1.000000"))
                continue
            start, vol = _FX_START[code]
            # Mean-reverting walk: drifts back towards the start level.
            level[code] = level[code] * (1.0 + rng.gauss(0.0, vol)) + 0.08 * (start - level[code])
            rows.append((day_one, code, f"{level[code]:.6f}"))
    return rows


def fx_lookup(rows: list[tuple[str, str, str]]) -> dict[tuple[str, str], float]:
    """{(month `YYYY-MM-01`, currency): rate} for quick conversions while generating."""
    return {(month, code): float(rate) for month, code, rate in rows}
