"""The `pandas_peer` step: `fct_customer_months` and `fct_customer_snapshots` computed with plain pandas.

The notebook an analyst would otherwise write, from the same canonical Parquet input and with the var
defaults and labels of dbt_project.yml (read through segmentation.registry, as dbt reads them):
vectorised (no Python loop per row, account or month), amounts as float64, sums rounded to 1e-6 (compared
with the marts at the SPEC tolerance of 0.01). Typed Parquet needs no text parsing, so the SPEC §1-2
rules are applied to typed values: required values present, quantity non-zero, unit_price >= 0, a known
currency for the line's month, duplicate lines dropped (lowest line_number / file row kept). Ids are
trimmed.

Run as `python -m segmentation.bench.pandas_peer RAW_DIR OUT_DIR`: writes `customer_months.parquet` and
`snapshots.parquet` into OUT_DIR.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from segmentation.bench.peer_settings import (
    CELLS,
    ESTABLISHED_MIN_KEYS,
    HIGH_ABOVE,
    MEDIUM_FROM,
    MIN_PEER_GROUP_SIZE,
    MOVEMENTS,
    NEW_BELOW_MONTHS,
    PARETO_CUTS,
    PARETO_TIERS,
    PARTNER_MIN_KEYS,
    PARTNER_MIN_MONTHS,
    POTENTIAL_QUANTILE,
    POTENTIAL_TIERS,
    RELATIONSHIP_LEVELS,
    REPORTING_CURRENCY,
    SIZE_BANDS,
    VALUE_TIERS,
    WHITESPACE,
)

# float64 sums carry rounding noise (1e-9 on a million): sums are rounded to 1e-6 so that a month netting to
# exactly 0, or two equal months, compare as the exact decimals in the marts do.
MONEY_DECIMALS = 6
MONTH_COLUMNS = (
    "customer_id", "revenue_month", "acquisition_month", "revenue", "previous_revenue", "movement", "movement_amount",
    "orders", "conversion_revenue", "retention_revenue", "penetration_revenue",
)  # fmt: skip
SNAPSHOT_COLUMNS = (
    "customer_id", "snapshot_month", "t12m_revenue", "t12m_orders", "t12m_active_months", "aov", "tenure_months",
    "product_lines_t12m", "keys_to_date", "value_tier", "pareto_tier", "peer_group", "peer_benchmark", "potential",
    "potential_tier", "value_potential_cell", "relationship_level",
)  # fmt: skip
DUPLICATE_COLUMNS = ["invoice_id", "customer_id", "invoiced_at", "product_id", "quantity", "unit_price", "currency"]


@dataclass
class PeerResult:
    """The two outputs, shaped like the marts (months as datetime64, money as float64)."""

    customer_months: pd.DataFrame
    snapshots: pd.DataFrame
    as_of_date: pd.Timestamp


def _clean(series: pd.Series) -> pd.Series:
    """Trimmed text; blank becomes missing (SPEC §1)."""
    stripped = series.str.strip(WHITESPACE)
    return stripped.where(stripped != "")


def _months(values: pd.Series) -> np.ndarray:
    """Month index (months since 1970-01) of datetimes."""
    return values.to_numpy(dtype="datetime64[ns]").astype("datetime64[M]").astype(np.int64)


def _month_dates(index: np.ndarray) -> np.ndarray:
    return index.astype("datetime64[M]").astype("datetime64[ns]")


def read_lines(folder: Path) -> pd.DataFrame:
    """Staged lines: typed, validated, de-duplicated, converted to the reporting currency."""
    table = pq.read_table(folder / "transactions.parquet")
    for name in ("quantity", "unit_price"):  # exact decimals to float64, as a notebook would
        table = table.set_column(table.schema.get_field_index(name), name, pc.cast(table[name], pa.float64()))
    lines = table.to_pandas()
    lines["row"] = np.arange(1, len(lines) + 1)
    for name in ("invoice_id", "customer_id", "product_id"):
        lines[name] = _clean(lines[name])
    currency = _clean(lines["currency"]).str.upper() if "currency" in lines else None
    lines["currency"] = REPORTING_CURRENCY if currency is None else currency.fillna(REPORTING_CURRENCY)
    if "line_number" in lines:
        lines["line_number"] = lines["line_number"].astype("Int64").fillna(lines["row"]).astype(np.int64)
    else:
        lines["line_number"] = lines["row"]
    lines["month"] = _months(lines["invoiced_at"].fillna(pd.Timestamp(0)))

    fx = pq.read_table(folder / "fx_rates.parquet").to_pandas()
    fx["rate"] = fx["rate_to_reporting"].astype(np.float64)
    fx["currency"] = _clean(fx["currency"]).str.upper()
    fx["month"] = _months(pd.to_datetime(fx["month"]))
    fx = fx[(fx["rate"] > 0) & fx["currency"].notna() & (fx["currency"] != REPORTING_CURRENCY)]
    fx = fx.drop_duplicates(["month", "currency"])[["month", "currency", "rate"]]
    lines = lines.merge(fx, on=["month", "currency"], how="left")
    lines.loc[lines["currency"] == REPORTING_CURRENCY, "rate"] = 1.0

    valid = (
        lines[["invoice_id", "customer_id", "invoiced_at", "product_id", "quantity", "unit_price"]].notna().all(axis=1)
        & (lines["quantity"] != 0)
        & (lines["unit_price"] >= 0)
        & lines["rate"].notna()
    )
    lines = lines[valid]
    # Duplicate lines: keep the lowest (line_number, file row) of each group of equal values.
    duplicated = lines.duplicated(DUPLICATE_COLUMNS, keep=False)
    if duplicated.any():
        ranked = lines[duplicated].sort_values(["line_number", "row"])
        dropped = ranked.index[ranked.duplicated(DUPLICATE_COLUMNS, keep="first")]
        lines = lines.drop(index=dropped)

    products = pq.read_table(folder / "products.parquet").to_pandas()
    products["product_id"] = _clean(products["product_id"])
    products = products.dropna(subset=["product_id"]).set_index("product_id")
    product_line = _clean(products["product_line"]).fillna("unassigned") if "product_line" in products else None
    is_core = products["is_core"].astype("boolean").fillna(True) if "is_core" in products else None
    lines["product_line"] = (
        "unknown" if product_line is None else lines["product_id"].map(product_line).fillna("unknown")
    )
    lines["is_core"] = True if is_core is None else lines["product_id"].map(is_core).fillna(True).astype(bool)
    lines["amount"] = lines["quantity"] * lines["unit_price"] * lines["rate"]
    return lines


def read_customers(folder: Path) -> pd.DataFrame:
    """Peer attributes per customer: industry and size_band ('unknown' when missing)."""
    path = folder / "customers.parquet"
    if not path.exists():
        return pd.DataFrame({"industry": pd.Series(dtype=str), "size_band": pd.Series(dtype=str)})
    customers = pq.read_table(path).to_pandas()
    customers["customer_id"] = _clean(customers["customer_id"])
    customers = customers.dropna(subset=["customer_id"]).set_index("customer_id")
    employees = pd.to_numeric(customers["employee_count"], errors="coerce")
    employees = employees.where((employees >= 0) & (employees == employees.round()))
    size_band = np.select(
        [employees < 50, employees < 250, employees < 1000, employees >= 1000],
        list(SIZE_BANDS[:4]),
        default=SIZE_BANDS[4],
    )
    return pd.DataFrame(
        {"industry": _clean(customers["industry"].astype("str")).fillna("unknown"), "size_band": size_band},
        index=customers.index,
    )


def _window_deltas(occurrences: pd.DataFrame, item: str) -> pd.DataFrame:
    """Coverage deltas: a running sum over a customer's months counts distinct items in the T12M window."""
    occurrences = occurrences.sort_values(["customer", item, "month"])
    previous = occurrences.groupby(["customer", item], sort=False)["month"].shift(1)
    start = np.where(previous.isna(), occurrences["month"], np.maximum(occurrences["month"], previous + 12))
    events = pd.DataFrame(
        {
            "customer": np.concatenate([occurrences["customer"].to_numpy(), occurrences["customer"].to_numpy()]),
            "month": np.concatenate([start.astype(np.int64), occurrences["month"].to_numpy() + 12]),
            "delta": np.concatenate([np.ones(len(occurrences), np.int64), -np.ones(len(occurrences), np.int64)]),
        }
    )
    return events.groupby(["customer", "month"], as_index=False)["delta"].sum()


def _tier(values: pd.Series | np.ndarray, labels: tuple[str, ...]) -> np.ndarray:
    return np.select([values > HIGH_ABOVE, values >= MEDIUM_FROM, values > 0], list(labels[:3]), default=labels[3])


def compute(folder: Path) -> PeerResult:
    """Both outputs from the canonical Parquet files in `folder`."""
    lines = read_lines(folder)
    as_of_date = lines["invoiced_at"].max().normalize()
    lines = lines[lines["invoiced_at"] < as_of_date + pd.Timedelta(days=1)]
    as_of_month = int(_months(pd.Series([as_of_date]))[0])

    lines["customer"], customer_ids = pd.factorize(lines["customer_id"])
    lines["key"], _ = pd.factorize(lines["product_line"])
    core = lines[lines["is_core"]]
    purchases = core[(core["quantity"] > 0) & (core["amount"] > 0)]

    # Per account and month: revenue, orders (distinct invoices with a purchase line).
    revenue = core.groupby(["customer", "month"])["amount"].sum().round(MONEY_DECIMALS)
    invoice_months = purchases[["customer", "invoice_id", "month"]].drop_duplicates()
    orders = invoice_months.groupby(["customer", "month"]).size()
    accounts = revenue.reset_index().groupby("customer")["month"].agg(first_month="min", last_month="max")
    accounts["acquisition_month"] = revenue[revenue > 0].reset_index().groupby("customer")["month"].min()

    # SPEC §4 category of each core line, summed per account and month.
    key_months = purchases[["customer", "key", "month"]].drop_duplicates()
    first_bought = key_months.groupby(["customer", "key"], as_index=False)["month"].min()
    first_bought = first_bought.rename(columns={"month": "first_bought"})
    categorized = core[["customer", "key", "month", "amount"]].merge(first_bought, on=["customer", "key"], how="left")
    acquisition = accounts["acquisition_month"].reindex(categorized["customer"]).to_numpy()
    conversion = np.isnan(acquisition) | (categorized["month"].to_numpy() <= acquisition)
    retention = ~conversion & (categorized["first_bought"].to_numpy() < categorized["month"].to_numpy())
    amount = categorized["amount"].to_numpy()
    categorized = pd.DataFrame(
        {
            "customer": categorized["customer"].to_numpy(),
            "month": categorized["month"].to_numpy(),
            "conversion_revenue": np.where(conversion, amount, 0.0),
            "retention_revenue": np.where(retention, amount, 0.0),
            "penetration_revenue": np.where(~conversion & ~retention, amount, 0.0),
        }
    )
    categories = categorized.groupby(["customer", "month"]).sum().round(MONEY_DECIMALS)

    # The account x month spine, first_month .. as_of_month.
    counts = (as_of_month - accounts["first_month"] + 1).to_numpy()
    customer = np.repeat(accounts.index.to_numpy(), counts)
    position = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    spine = pd.DataFrame({"customer": customer, "month": np.repeat(accounts["first_month"].to_numpy(), counts)})
    spine["month"] += position
    spine = spine.join(revenue.rename("revenue"), on=["customer", "month"])
    spine = spine.join(orders.rename("orders"), on=["customer", "month"]).join(categories, on=["customer", "month"])
    spine = spine.fillna(0.0)
    spine["orders"] = spine["orders"].astype(np.int64)
    first_row = position == 0
    spine["previous_revenue"] = np.where(first_row, 0.0, spine["revenue"].shift(1, fill_value=0.0))
    spine["acquisition_month"] = accounts["acquisition_month"].reindex(spine["customer"]).to_numpy()
    spine["last_month"] = accounts["last_month"].reindex(spine["customer"]).to_numpy()

    # SPEC §3 movements, on the spine up to last_month + 1.
    months = spine[spine["month"] <= spine["last_month"] + 1].copy()
    current, previous, acquired = months["revenue"], months["previous_revenue"], months["acquisition_month"]
    months["movement"] = np.select(
        [
            months["month"] == acquired,
            (previous > 0) & ~(current > 0),
            ~(previous > 0) & (current > 0) & (months["month"] > acquired),
            (previous > 0) & (current > previous),
            (previous > 0) & (current > 0) & (current < previous),
            (previous > 0) & (current == previous),
        ],
        list(MOVEMENTS[:6]),
        default=MOVEMENTS[6],
    )
    months["movement_amount"] = current - previous

    # SPEC §5 T12M figures by running sums over each account's contiguous spine.
    snap = spine
    by_customer = snap.groupby("customer", sort=False)
    running = by_customer["revenue"].cumsum()
    t12m = running - running.groupby(snap["customer"]).shift(12, fill_value=0.0)
    snap["t12m_revenue"] = t12m.round(MONEY_DECIMALS)
    active_running = (snap["revenue"] > 0).astype(np.int64).groupby(snap["customer"]).cumsum()
    snap["t12m_active_months"] = active_running - active_running.groupby(snap["customer"]).shift(12, fill_value=0)
    for column, occurrences, item in (
        ("t12m_orders", invoice_months, "invoice_id"),
        ("product_lines_t12m", key_months, "key"),
    ):
        deltas = _window_deltas(occurrences, item).set_index(["customer", "month"])["delta"]
        delta = deltas.reindex(pd.MultiIndex.from_arrays([snap["customer"], snap["month"]])).fillna(0).to_numpy()
        snap[column] = pd.Series(delta, index=snap.index).groupby(snap["customer"]).cumsum().astype(np.int64)
    added = first_bought.groupby(["customer", "first_bought"]).size()
    keys_added = added.reindex(pd.MultiIndex.from_arrays([snap["customer"], snap["month"]])).fillna(0).to_numpy()
    snap["keys_to_date"] = pd.Series(keys_added, index=snap.index).groupby(snap["customer"]).cumsum().astype(np.int64)
    tenure = snap["month"] - snap["acquisition_month"]
    snap["tenure_months"] = tenure.where(tenure >= 0).astype("Int64")
    snap["aov"] = (snap["t12m_revenue"] / snap["t12m_orders"]).where(snap["t12m_orders"] > 0)
    snap["value_tier"] = _tier(snap["t12m_revenue"], VALUE_TIERS)
    snap["customer_id"] = customer_ids[snap["customer"].to_numpy()]

    # Pareto tiers per month over the active accounts, ranked by t12m_revenue desc, customer_id asc.
    active = snap["t12m_revenue"] > 0
    ranked = snap.loc[active, ["month", "t12m_revenue", "customer_id"]].sort_values(
        ["month", "t12m_revenue", "customer_id"], ascending=[True, False, True]
    )
    total = ranked.groupby("month")["t12m_revenue"].transform("sum")
    before = ranked.groupby("month")["t12m_revenue"].cumsum() - ranked["t12m_revenue"]
    ranked_tier = np.select(
        [before < PARETO_CUTS[0] * total, before < PARETO_CUTS[1] * total, before < PARETO_CUTS[2] * total],
        list(PARETO_TIERS[:3]),
        default=PARETO_TIERS[3],
    )
    snap["pareto_tier"] = pd.Series(ranked_tier, index=ranked.index).reindex(snap.index).fillna(PARETO_TIERS[3])

    # Peer benchmark: the 0.75 quantile of active t12m_revenue in (industry, size_band), else industry, else all.
    attributes = read_customers(folder).reindex(snap["customer_id"])
    snap["industry"] = attributes["industry"].fillna("unknown").to_numpy()
    snap["size_band"] = attributes["size_band"].fillna("unknown").to_numpy()
    levels = {2: ["industry", "size_band"], 1: ["industry"], 0: []}
    level_stats = {}
    for level, columns in levels.items():
        keys = [*columns, "month"]
        grouped = snap[active].groupby(keys)["t12m_revenue"]
        stats = pd.DataFrame({"accounts": grouped.size(), "benchmark": grouped.quantile(POTENTIAL_QUANTILE)})
        level_stats[level] = stats.reindex(pd.MultiIndex.from_frame(snap[keys]) if len(keys) > 1 else snap["month"])
    level = np.select(
        [
            level_stats[2]["accounts"].to_numpy() >= MIN_PEER_GROUP_SIZE,
            level_stats[1]["accounts"].to_numpy() >= MIN_PEER_GROUP_SIZE,
        ],
        [2, 1],
        default=0,
    )
    snap["peer_group"] = np.select(
        [level == 2, level == 1], [snap["industry"] + " / " + snap["size_band"], snap["industry"]], default="all"
    )
    snap["peer_benchmark"] = np.select(
        [level == 2, level == 1],
        [level_stats[2]["benchmark"].to_numpy(), level_stats[1]["benchmark"].to_numpy()],
        default=level_stats[0]["benchmark"].to_numpy(),
    )
    potential = np.maximum(0.0, snap["peer_benchmark"] - np.maximum(snap["t12m_revenue"], 0.0))
    snap["potential"] = potential.fillna(0.0)
    snap["potential_tier"] = _tier(snap["potential"], POTENTIAL_TIERS)
    growth = np.isin(snap["potential_tier"], POTENTIAL_TIERS[:2])
    snap["value_potential_cell"] = np.select(
        [(snap["value_tier"] == tier) & (growth == grows) for tier in CELLS for grows in (True, False)],
        [CELLS[tier][0 if grows else 1] for tier in CELLS for grows in (True, False)],
        default=CELLS[VALUE_TIERS[3]][1],
    )
    tenure_months = snap["tenure_months"].astype(np.float64)
    snap["relationship_level"] = np.select(
        [
            tenure_months.isna() | (tenure_months < NEW_BELOW_MONTHS),
            (tenure_months >= PARTNER_MIN_MONTHS) & (snap["keys_to_date"] >= PARTNER_MIN_KEYS),
            snap["keys_to_date"] >= ESTABLISHED_MIN_KEYS,
        ],
        [RELATIONSHIP_LEVELS[0], RELATIONSHIP_LEVELS[3], RELATIONSHIP_LEVELS[2]],
        default=RELATIONSHIP_LEVELS[1],
    )

    months["customer_id"] = customer_ids[months["customer"].to_numpy()]
    customer_months = pd.DataFrame(
        {
            "customer_id": months["customer_id"],
            "revenue_month": _month_dates(months["month"].to_numpy()),
            "acquisition_month": _nullable_month(months["acquisition_month"]),
            **{name: months[name] for name in MONTH_COLUMNS[3:]},
        }
    ).reset_index(drop=True)
    snapshots = pd.DataFrame(
        {
            "customer_id": snap["customer_id"],
            "snapshot_month": _month_dates(snap["month"].to_numpy()),
            **{name: snap[name] for name in SNAPSHOT_COLUMNS[2:]},
        }
    ).reset_index(drop=True)
    return PeerResult(customer_months, snapshots, as_of_date)


def _nullable_month(index: pd.Series) -> pd.Series:
    values = index.to_numpy(dtype=np.float64)
    dates = np.full(len(values), np.datetime64("NaT"), dtype="datetime64[ns]")
    known = ~np.isnan(values)
    dates[known] = _month_dates(values[known].astype(np.int64))
    return pd.Series(dates, index=index.index)


def main(argv: list[str]) -> int:
    raw_dir, out_dir = Path(argv[0]), Path(argv[1])
    started = time.perf_counter()
    result = compute(raw_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    result.customer_months.to_parquet(out_dir / "customer_months.parquet", index=False)
    result.snapshots.to_parquet(out_dir / "snapshots.parquet", index=False)
    print(
        f"pandas peer: {len(result.customer_months):,} account-months, {len(result.snapshots):,} snapshots, "
        f"as_of_date {result.as_of_date.date()}, {time.perf_counter() - started:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
