"""Calendar-month arithmetic shared by the demo and scale generators.

A month is handled as an integer index (months since 0000-01) so ranges and offsets are plain ints.
"""

from __future__ import annotations

import calendar
import datetime as dt

#: First and last month of the demo history: 37 months, so tenure 36 is reachable at the last month.
DEMO_FIRST_MONTH = "2022-12"
DEMO_LAST_MONTH = "2025-12"


def parse_month(text: str) -> int:
    """`YYYY-MM` (or `YYYY-MM-DD`, day ignored) -> month index."""
    parts = text.strip().split("-")
    if len(parts) < 2:
        raise ValueError(f"expected a month as YYYY-MM, got {text!r}")
    year, month = int(parts[0]), int(parts[1])
    if not 1 <= month <= 12:
        raise ValueError(f"month out of range in {text!r}")
    return year * 12 + month - 1


def month_start(index: int) -> dt.date:
    """First day of the month with this index."""
    return dt.date(index // 12, index % 12 + 1, 1)


def days_in_month(index: int) -> int:
    return calendar.monthrange(index // 12, index % 12 + 1)[1]


def month_label(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_range(first: int, last: int) -> list[int]:
    """Inclusive range of month indexes."""
    return list(range(first, last + 1))
