"""An independent, deliberately plain implementation of the SPEC in Python (loops and Decimals).

It shares no code with the SQL models: it is written from the SPEC text, to check the models against
on randomised data. `stage` covers SPEC §1-2 (parsing raw text, the rule order, the quarantine);
`compute` covers SPEC §3-6 on already-clean canonical lines.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

ZERO = Decimal(0)

# --- SPEC §1-2: staging --------------------------------------------------------------------------

WHITESPACE = " \t\n\v\f\r"
NUMBER = re.compile(r"[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?")
TIMESTAMP = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})"
    r"(?:[ T]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:[.]([0-9]+))?)?(Z|[+-][0-9]{2}:[0-9]{2})?)?"
)
REASONS = (
    "malformed_row", "missing_invoice", "missing_customer", "invalid_date", "missing_product",
    "invalid_number", "zero_quantity", "negative_price", "unknown_currency", "duplicate_line",
)  # fmt: skip


def clean(value: str | None) -> str | None:
    """SPEC §1: trimmed; blank (empty or whitespace only) is null."""
    if value is None:
        return None
    text = value.strip(WHITESPACE)
    return text or None


def parse_number(value: str | None) -> Decimal | None:
    """SPEC §1 number: plain notation with sign and exponent, exact, <= 12 decimals and <= 15 integer digits."""
    text = clean(value)
    if text is None or not NUMBER.fullmatch(text):
        return None
    number = Decimal(text)  # exact: constructing a Decimal from a string never rounds
    _sign, digits, exponent = number.as_tuple()
    significant = "".join(map(str, digits)).lstrip("0")
    if not significant:
        return Decimal(0)
    trailing = len(significant) - len(significant.rstrip("0"))
    decimals = max(0, -(exponent + trailing))
    integer_digits = max(0, len(significant) + exponent)
    if decimals > 12 or integer_digits > 15:
        return None
    return number


def parse_integer(value: str | None) -> int | None:
    text = clean(value)
    return int(text) if text is not None and re.fullmatch(r"[+-]?[0-9]+", text) else None


def parse_timestamp(value: str | None, reporting_timezone: str = "UTC") -> datetime | None:
    """SPEC §0-1 timestamp, as the wall time in `reporting_timezone` (offset-free values are local)."""
    text = clean(value)
    match = TIMESTAMP.fullmatch(text) if text is not None else None
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    if int(year) == 0 or (hour is not None and (int(hour) > 23 or int(minute) > 59)):
        return None
    if second is not None and int(second) > 59:
        return None
    try:
        local = datetime(
            int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0),
            int((fraction or "").ljust(6, "0")[:6]),
        )  # fmt: skip
    except ValueError:
        return None
    if offset is None:
        return local
    if offset == "Z":
        delta = timedelta(0)
    else:
        hours, minutes = int(offset[1:3]), int(offset[4:6])
        if hours > 23 or minutes > 59:
            return None
        delta = (1 if offset[0] == "+" else -1) * timedelta(hours=hours, minutes=minutes)
    aware = local.replace(tzinfo=timezone(delta))
    return aware.astimezone(ZoneInfo(reporting_timezone)).replace(tzinfo=None)


@dataclass
class StagedRow:
    row_number: int
    reason: str | None
    invoice_id: str | None = None
    line_number: int | None = None
    customer_id: str | None = None
    invoiced_at: datetime | None = None
    product_id: str | None = None
    quantity: Decimal | None = None
    unit_price: Decimal | None = None
    currency: str | None = None
    rate: Decimal | None = None


def stage(
    rows: list[dict[str, str | None] | None],
    fx_rates: dict[tuple[date, str], Decimal],
    reporting_currency: str = "USD",
    reporting_timezone: str = "UTC",
    drop_duplicate_lines: bool = True,
) -> list[StagedRow]:
    """SPEC §2: one verdict per raw row (None = a malformed record), in file order (row number = index + 1)."""
    result: list[StagedRow] = []
    for index, raw in enumerate(rows, start=1):
        if raw is None:
            result.append(StagedRow(index, "malformed_row"))
            continue
        row = StagedRow(
            index,
            None,
            clean(raw.get("invoice_id")),
            parse_integer(raw.get("line_number")),
            clean(raw.get("customer_id")),
            parse_timestamp(raw.get("invoiced_at"), reporting_timezone),
            clean(raw.get("product_id")),
            parse_number(raw.get("quantity")),
            parse_number(raw.get("unit_price")),
            (clean(raw.get("currency")) or reporting_currency).upper(),
        )
        if row.line_number is None:
            row.line_number = index
        if row.currency == reporting_currency:
            row.rate = Decimal(1)
        elif row.invoiced_at is not None:
            row.rate = fx_rates.get((month_of(row.invoiced_at.date()), row.currency))
        checks = [
            ("missing_invoice", row.invoice_id is None),
            ("missing_customer", row.customer_id is None),
            ("invalid_date", row.invoiced_at is None),
            ("missing_product", row.product_id is None),
            ("invalid_number", row.quantity is None or row.unit_price is None),
            ("zero_quantity", row.quantity == 0),
            ("negative_price", row.unit_price is not None and row.unit_price < 0),
            ("unknown_currency", row.rate is None),
        ]
        row.reason = next((reason for reason, broken in checks if broken), None)
        result.append(row)
    if drop_duplicate_lines:
        kept: dict[tuple[Any, ...], StagedRow] = {}
        for row in sorted((r for r in result if r.reason is None), key=lambda r: (r.line_number, r.row_number)):
            key = (row.invoice_id, row.customer_id, row.invoiced_at, row.product_id, row.quantity,
                   row.unit_price, row.currency)  # fmt: skip
            if key in kept:
                row.reason = "duplicate_line"
            else:
                kept[key] = row
    return result


def month_of(value: date) -> date:
    return date(value.year, value.month, 1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


def month_range(start: date, end: date) -> list[date]:
    return [add_months(start, k) for k in range(months_between(start, end) + 1)]


def quantile_cont(values: list[Decimal], q: Decimal) -> Decimal:
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = int(position)
    fraction = position - low
    if low + 1 >= len(ordered):
        return ordered[low]
    return ordered[low] + fraction * (ordered[low + 1] - ordered[low])


@dataclass
class Line:
    invoice_id: str
    customer_id: str
    invoiced_at: datetime
    product_id: str
    quantity: Decimal
    unit_price: Decimal
    rate: Decimal
    is_core: bool
    product_line: str

    @property
    def amount(self) -> Decimal:
        return self.quantity * self.unit_price * self.rate

    @property
    def month(self) -> date:
        return month_of(self.invoiced_at.date())

    @property
    def is_purchase(self) -> bool:
        return self.is_core and self.quantity > 0 and self.amount > 0


@dataclass
class Settings:
    as_of_date: date | None = None
    penetration_grain: str = "product_line"
    high_above: Decimal = Decimal(100000)
    medium_from: Decimal = Decimal(10000)
    pareto_cuts: tuple[Decimal, Decimal, Decimal] = (Decimal("0.80"), Decimal("0.95"), Decimal("0.99"))
    peer_group_columns: tuple[str, ...] = ("industry", "size_band")
    potential_quantile: Decimal = Decimal("0.75")
    min_peer_group_size: int = 5
    new_below: int = 12
    partner_months: int = 36
    partner_keys: int = 5
    established_keys: int = 3


@dataclass
class Result:
    as_of_date: date
    customer_months: dict[tuple[str, date], dict[str, Any]] = field(default_factory=dict)
    snapshots: dict[tuple[str, date], dict[str, Any]] = field(default_factory=dict)
    customers: dict[str, dict[str, Any]] = field(default_factory=dict)
    categories: dict[tuple[str, str, datetime, str], str | None] = field(default_factory=dict)
    monthly: dict[date, dict[str, Any]] = field(default_factory=dict)
    segments: dict[tuple[date, str, str], dict[str, Any]] = field(default_factory=dict)
    cohorts: dict[tuple[date, int], dict[str, Any]] = field(default_factory=dict)
    migration: dict[tuple[date, str, str], dict[str, Any]] = field(default_factory=dict)


def size_band(employee_count: int | None) -> str:
    if employee_count is None:
        return "unknown"
    if employee_count < 50:
        return "small"
    if employee_count < 250:
        return "mid"
    if employee_count < 1000:
        return "large"
    return "enterprise"


def tier(amount: Decimal, settings: Settings, zero_label: str) -> str:
    if amount > settings.high_above:
        return "high"
    if amount >= settings.medium_from:
        return "medium"
    if amount > 0:
        return "low"
    return zero_label


CELLS = {
    ("high", True): "strategic_growth",
    ("high", False): "protect",
    ("medium", True): "develop",
    ("medium", False): "maintain",
    ("low", True): "hidden_gem",
    ("low", False): "automate",
    ("inactive", True): "win_back",
    ("inactive", False): "dormant",
}


def compute(all_lines: list[Line], customers: dict[str, dict[str, Any]], settings: Settings) -> Result:
    as_of_date = settings.as_of_date or max(line.invoiced_at.date() for line in all_lines)
    as_of_month = month_of(as_of_date)
    lines = [line for line in all_lines if line.invoiced_at.date() <= as_of_date]
    core = [line for line in lines if line.is_core]
    result = Result(as_of_date)

    def key(line: Line) -> str:
        return line.product_id if settings.penetration_grain == "product" else line.product_line

    revenue: dict[str, dict[date, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for line in core:
        revenue[line.customer_id][line.month] += line.amount
    orders_in_month: dict[tuple[str, date], set[str]] = defaultdict(set)
    for line in core:
        if line.is_purchase:
            orders_in_month[(line.customer_id, line.month)].add(line.invoice_id)

    first_month = {a: min(months) for a, months in revenue.items()}
    last_month = {a: max(months) for a, months in revenue.items()}
    acquisition = {a: min((m for m, r in months.items() if r > 0), default=None) for a, months in revenue.items()}

    first_bought: dict[tuple[str, str], date] = {}
    for line in core:
        if line.is_purchase:
            k = (line.customer_id, key(line))
            first_bought[k] = min(first_bought.get(k, line.month), line.month)

    # SPEC §4
    category_revenue: dict[tuple[str, date, str], Decimal] = defaultdict(lambda: ZERO)
    for line in lines:
        if not line.is_core:
            category = None
        else:
            acquired = acquisition.get(line.customer_id)
            bought = first_bought.get((line.customer_id, key(line)))
            if acquired is None or line.month <= acquired:
                category = "conversion"
            elif bought is not None and bought < line.month:
                category = "retention"
            else:
                category = "penetration"
            category_revenue[(line.customer_id, line.month, category)] += line.amount
        result.categories[(line.invoice_id, line.customer_id, line.invoiced_at, line.product_id)] = category

    # SPEC §3
    for a in revenue:
        end = min(add_months(last_month[a], 1), as_of_month)
        previous = ZERO
        for m in month_range(first_month[a], end):
            current = revenue[a].get(m, ZERO)
            if m == acquisition[a]:
                movement = "new"
            elif previous > 0 and not current > 0:
                movement = "churn"
            elif not previous > 0 and current > 0 and m > acquisition[a]:
                movement = "reactivation"
            elif previous > 0 and current > previous:
                movement = "expansion"
            elif previous > 0 and current > 0 and current < previous:
                movement = "contraction"
            elif previous > 0 and current == previous:
                movement = "unchanged"
            else:
                movement = "inactive"
            result.customer_months[(a, m)] = {
                "revenue": current,
                "previous_revenue": previous,
                "movement": movement,
                "movement_amount": current - previous,
                "orders": len(orders_in_month.get((a, m), set())),
                "conversion_revenue": category_revenue.get((a, m, "conversion"), ZERO),
                "retention_revenue": category_revenue.get((a, m, "retention"), ZERO),
                "penetration_revenue": category_revenue.get((a, m, "penetration"), ZERO),
            }
            previous = current

    # SPEC §5, per account
    purchases_by_account: dict[str, list[Line]] = defaultdict(list)
    for line in core:
        if line.is_purchase:
            purchases_by_account[line.customer_id].append(line)
    for a in revenue:
        for s in month_range(first_month[a], as_of_month):
            window = month_range(add_months(s, -11), s)
            t12m = sum((revenue[a].get(m, ZERO) for m in window), ZERO)
            in_window = [p for p in purchases_by_account[a] if add_months(s, -11) <= p.month <= s]
            orders = len({p.invoice_id for p in in_window})
            acquired = acquisition[a]
            tenure = months_between(acquired, s) if acquired is not None and acquired <= s else None
            keys_to_date = len({key(p) for p in purchases_by_account[a] if p.month <= s})
            result.snapshots[(a, s)] = {
                "t12m_revenue": t12m,
                "t12m_orders": orders,
                "t12m_active_months": sum(1 for m in window if revenue[a].get(m, ZERO) > 0),
                "aov": t12m / orders if orders else None,
                "tenure_months": tenure,
                "product_lines_t12m": len({key(p) for p in in_window}),
                "value_tier": tier(t12m, settings, "inactive"),
                "relationship_level": (
                    "new"
                    if tenure is None or tenure < settings.new_below
                    else "partner"
                    if tenure >= settings.partner_months and keys_to_date >= settings.partner_keys
                    else "established"
                    if keys_to_date >= settings.established_keys
                    else "developing"
                ),
            }

    # SPEC §5, per month: Pareto and peers
    def group_values(a: str) -> list[str]:
        attributes = customers.get(a, {})
        values = []
        for column in settings.peer_group_columns:
            value = size_band(attributes.get("employee_count")) if column == "size_band" else attributes.get(column)
            values.append("unknown" if value is None else str(value))
        return values

    by_month: dict[date, list[str]] = defaultdict(list)
    for a, s in result.snapshots:
        by_month[s].append(a)
    for s, accounts in by_month.items():
        active = [a for a in accounts if result.snapshots[(a, s)]["t12m_revenue"] > 0]
        total = sum((result.snapshots[(a, s)]["t12m_revenue"] for a in active), ZERO)
        ranked = sorted(active, key=lambda a: (-result.snapshots[(a, s)]["t12m_revenue"], a))
        before = ZERO
        for a in ranked:
            share = before / total
            cuts = settings.pareto_cuts
            result.snapshots[(a, s)]["pareto_tier"] = (
                "A" if share < cuts[0] else "B" if share < cuts[1] else "C" if share < cuts[2] else "D"
            )
            before += result.snapshots[(a, s)]["t12m_revenue"]
        # the active accounts' t12m_revenue per group prefix (industry, then industry / size_band, ...)
        prefix_revenues: dict[tuple[str, ...], list[Decimal]] = defaultdict(list)
        for b in active:
            b_values = tuple(group_values(b))
            for level in range(len(b_values) + 1):
                prefix_revenues[b_values[:level]].append(result.snapshots[(b, s)]["t12m_revenue"])
        benchmarks: dict[tuple[str, ...], Decimal] = {}
        for a in accounts:
            snapshot = result.snapshots[(a, s)]
            snapshot.setdefault("pareto_tier", "D")
            values = tuple(group_values(a))
            benchmark = None
            label = "all"
            for level in range(len(values), -1, -1):
                members = prefix_revenues.get(values[:level], [])
                if len(members) >= settings.min_peer_group_size or level == 0:
                    label = " / ".join(values[:level]) if level else "all"
                    if members:
                        if values[:level] not in benchmarks:
                            benchmarks[values[:level]] = quantile_cont(members, settings.potential_quantile)
                        benchmark = benchmarks[values[:level]]
                    break
            potential = ZERO if benchmark is None else max(ZERO, benchmark - max(snapshot["t12m_revenue"], ZERO))
            snapshot["peer_group"] = label
            snapshot["peer_benchmark"] = benchmark
            snapshot["potential"] = potential
            snapshot["potential_tier"] = tier(potential, settings, "none")
            snapshot["value_potential_cell"] = CELLS[
                (snapshot["value_tier"], snapshot["potential_tier"] in ("high", "medium"))
            ]

    # SPEC §6
    lines_by_customer: dict[str, list[Line]] = defaultdict(list)
    for line in lines:
        lines_by_customer[line.customer_id].append(line)
    customer_ids = set(customers) | set(lines_by_customer)
    for a in customer_ids:
        mine = lines_by_customer.get(a, [])
        purchases = [line for line in mine if line.is_purchase]
        snapshot = result.snapshots.get((a, as_of_month), {})
        acquired = acquisition.get(a)
        if acquired is None or acquired > as_of_month:
            status = "prospect"
        elif acquired >= add_months(as_of_month, -11):
            status = "new"
        elif snapshot.get("t12m_revenue", ZERO) > 0:
            status = "active"
        else:
            status = "churned"
        last_purchase = max((p.invoiced_at.date() for p in purchases), default=None)
        result.customers[a] = {
            "first_purchase_date": min((p.invoiced_at.date() for p in purchases), default=None),
            "last_purchase_date": last_purchase,
            "acquisition_month": acquired,
            "lifetime_revenue": sum((line.amount for line in mine if line.is_core), ZERO),
            "lifetime_orders": len({p.invoice_id for p in purchases}),
            "recency_days": (as_of_date - last_purchase).days if last_purchase else None,
            "size_band": size_band(customers.get(a, {}).get("employee_count")),
            "value_tier": snapshot.get("value_tier"),
            "pareto_tier": snapshot.get("pareto_tier"),
            "value_potential_cell": snapshot.get("value_potential_cell"),
            "relationship_level": snapshot.get("relationship_level"),
            "lifecycle_status": status,
        }
    summarise(result, core, as_of_month)
    return result


def ratio(numerator: Decimal | int, denominator: Decimal | int) -> Decimal | None:
    return None if not denominator else Decimal(numerator) / Decimal(denominator)


SEGMENT_TYPES = ("value_tier", "pareto_tier", "value_potential_cell", "relationship_level")


def summarise(result: Result, core: list[Line], as_of_month: date) -> None:
    """SPEC §7, from the SPEC §3-5 results (and the core lines for the month's distinct orders)."""
    if not result.customer_months:
        return
    first = min(m for _, m in result.customer_months)
    orders: dict[date, set[str]] = defaultdict(set)
    for line in core:
        if line.is_purchase:
            orders[line.month].add(line.invoice_id)
    snapshots_by_month: dict[date, dict[str, dict[str, Any]]] = defaultdict(dict)
    for (a, s), row in result.snapshots.items():
        snapshots_by_month[s][a] = row
    previous_revenue = ZERO
    for m in month_range(first, as_of_month):
        rows = [row for (_, month), row in result.customer_months.items() if month == m]
        revenue = sum((row["revenue"] for row in rows), ZERO)
        active = sum(1 for row in rows if row["revenue"] > 0)
        now = snapshots_by_month.get(m, {})
        then = snapshots_by_month.get(add_months(m, -12), {})
        base = [a for a, row in then.items() if row["t12m_revenue"] > 0]
        base_revenue = sum((then[a]["t12m_revenue"] for a in base), ZERO)
        t12m_revenue = sum((row["t12m_revenue"] for row in now.values()), ZERO)
        t12m_active = sum(1 for row in now.values() if row["t12m_revenue"] > 0)

        def movement_sum(name: str, rows: list[dict[str, Any]] = rows) -> Decimal:
            return sum((row["movement_amount"] for row in rows if row["movement"] == name), ZERO)

        result.monthly[m] = {
            "revenue": revenue,
            "conversion_revenue": sum((row["conversion_revenue"] for row in rows), ZERO),
            "retention_revenue": sum((row["retention_revenue"] for row in rows), ZERO),
            "penetration_revenue": sum((row["penetration_revenue"] for row in rows), ZERO),
            "opening_revenue": previous_revenue,
            "new_revenue": movement_sum("new"),
            "reactivation_revenue": movement_sum("reactivation"),
            "expansion_revenue": movement_sum("expansion"),
            "contraction_revenue": movement_sum("contraction"),
            "churned_revenue": movement_sum("churn"),
            "inactive_change": movement_sum("inactive"),
            "closing_revenue": revenue,
            "active_accounts": active,
            "orders": len(orders.get(m, set())),
            "arpa": ratio(revenue, active),
            "purchase_frequency": ratio(len(orders.get(m, set())), active),
            "t12m_revenue": t12m_revenue,
            "t12m_active_accounts": t12m_active,
            "t12m_arpa": ratio(t12m_revenue, t12m_active),
            "nrr_t12m": ratio(sum((now[a]["t12m_revenue"] for a in base), ZERO), base_revenue),
            "grr_t12m": ratio(
                sum((min(max(now[a]["t12m_revenue"], ZERO), then[a]["t12m_revenue"]) for a in base), ZERO),
                base_revenue,
            ),
        }
        previous_revenue = revenue

    for s, accounts in snapshots_by_month.items():
        total_revenue = sum((row["t12m_revenue"] for row in accounts.values()), ZERO)
        for segment_type in SEGMENT_TYPES:
            for segment in {row[segment_type] for row in accounts.values()}:
                members = [row for row in accounts.values() if row[segment_type] == segment]
                active = sum(1 for row in members if row["t12m_revenue"] > 0)
                seg_revenue = sum((row["t12m_revenue"] for row in members), ZERO)
                seg_orders = sum(row["t12m_orders"] for row in members)
                result.segments[(s, segment_type, segment)] = {
                    "accounts": len(members),
                    "active_accounts": active,
                    "t12m_revenue": seg_revenue,
                    "revenue_share": ratio(seg_revenue, total_revenue),
                    "account_share": ratio(len(members), len(accounts)),
                    "arpa": ratio(seg_revenue, active),
                    "t12m_orders": seg_orders,
                    "purchase_frequency": ratio(seg_orders, active),
                    "potential": sum((row["potential"] for row in members), ZERO),
                }

    acquisition = {a: row["acquisition_month"] for a, row in result.customers.items()}
    revenue_of = {key: row["revenue"] for key, row in result.customer_months.items()}
    for cohort in sorted({m for m in acquisition.values() if m is not None}):
        members = [a for a, m in acquisition.items() if m == cohort]
        start_revenue = sum((revenue_of.get((a, cohort), ZERO) for a in members), ZERO)
        for k in range(months_between(cohort, as_of_month) + 1):
            month = add_months(cohort, k)
            revenues = [revenue_of.get((a, month), ZERO) for a in members]
            active = sum(1 for r in revenues if r > 0)
            revenue = sum(revenues, ZERO)
            result.cohorts[(cohort, k)] = {
                "cohort_accounts": len(members),
                "active_accounts": active,
                "revenue": revenue,
                "logo_retention": ratio(active, len(members)),
                "revenue_retention": ratio(revenue, start_revenue),
            }

    earliest = min(snapshots_by_month)
    for s, accounts in snapshots_by_month.items():
        if add_months(s, -12) < earliest:
            continue
        before = snapshots_by_month.get(add_months(s, -12), {})
        for a, row in accounts.items():
            old = before.get(a)
            key = (s, old["value_tier"] if old else "inactive", row["value_tier"])
            cell = result.migration.setdefault(key, {"accounts": 0, "from_t12m_revenue": ZERO, "to_t12m_revenue": ZERO})
            cell["accounts"] += 1
            cell["from_t12m_revenue"] += old["t12m_revenue"] if old else ZERO
            cell["to_t12m_revenue"] += row["t12m_revenue"]
