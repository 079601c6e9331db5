"""Quick pandas sanity check of the demo seeds (not the pipeline, not the contract).

Applies SPEC §1-2 parsing to the raw CSV text with pandas, then approximates the SPEC §5 snapshot at
the last month: T12M revenue, value / Pareto tiers, peer potential, value_potential_cell and
relationship_level. Used by the tests and by hand: `python -m segmentation.generator.sanity seeds/demo`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

_NUMBER = r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$"
_DATE = r"^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?$"
_TX_KEY = ["invoice_id", "customer_id", "invoiced_at", "product_id", "quantity", "unit_price", "currency"]


def _read(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    return frame.apply(lambda col: col.str.strip())


def clean_transactions(seeds: Path, reporting_currency: str = "USD") -> pd.DataFrame:
    """The raw transactions that pass SPEC §2, typed, with `amount` (float) and `reason` dropped."""
    tx = _read(seeds / "raw_transactions.csv")
    tx["file_row"] = np.arange(1, len(tx) + 1)
    fx = _read(seeds / "raw_fx_rates.csv")
    fx["currency"] = fx["currency"].str.upper()
    fx["month"] = pd.to_datetime(fx["month"])
    fx["rate"] = fx["rate_to_reporting"].astype(float)

    ok_date = tx["invoiced_at"].str.match(_DATE)
    ts = pd.to_datetime(tx["invoiced_at"].where(ok_date), format="ISO8601", errors="coerce")
    ok_num = tx["quantity"].str.match(_NUMBER) & tx["unit_price"].str.match(_NUMBER)
    qty = pd.to_numeric(tx["quantity"].where(ok_num), errors="coerce")
    price = pd.to_numeric(tx["unit_price"].where(ok_num), errors="coerce")
    tx["currency"] = tx["currency"].str.upper().replace("", reporting_currency)
    tx["invoiced_at"], tx["quantity"], tx["unit_price"] = ts, qty, price
    tx["revenue_month"] = ts.dt.to_period("M").dt.to_timestamp()
    tx = tx.merge(fx[["month", "currency", "rate"]], how="left", left_on=["revenue_month", "currency"],
                  right_on=["month", "currency"])  # fmt: skip
    tx.loc[tx["currency"] == reporting_currency, "rate"] = 1.0
    reasons = [
        ("missing_invoice", tx["invoice_id"] == ""),
        ("missing_customer", tx["customer_id"] == ""),
        ("invalid_date", ts.isna()),
        ("missing_product", tx["product_id"] == ""),
        ("invalid_number", qty.isna() | price.isna()),
        ("zero_quantity", qty == 0),
        ("negative_price", price < 0),
        ("unknown_currency", tx["rate"].isna()),
    ]
    tx["reason"] = None
    for reason, broken in reasons:
        tx.loc[tx["reason"].isna() & broken, "reason"] = reason
    line_no = pd.to_numeric(tx["line_number"].where(tx["line_number"].str.match(r"^[+-]?\d+$")), errors="coerce")
    tx["line_no"] = line_no.fillna(tx["file_row"])
    passed = tx[tx["reason"].isna()].sort_values(["line_no", "file_row"])
    duplicate = passed.duplicated(subset=_TX_KEY, keep="first")
    tx.loc[duplicate[duplicate].index, "reason"] = "duplicate_line"
    return tx


def snapshot(seeds: Path, min_peer: int = 5, quantile: float = 0.75) -> pd.DataFrame:
    """Approximate SPEC §5 snapshot per account at the last month of the clean rows."""
    tx = clean_transactions(seeds)
    tx = tx[tx["reason"].isna()].copy()
    products = _read(seeds / "raw_products.csv")
    customers = _read(seeds / "raw_customers.csv")
    tx = tx.merge(products[["product_id", "product_line", "is_core"]], how="left", on="product_id")
    tx = tx[tx["is_core"].fillna("true").str.lower() != "false"].copy()
    tx["key"] = tx["product_line"].fillna("unknown").replace("", "unassigned")
    tx["amount"] = tx["quantity"] * tx["unit_price"] * tx["rate"]
    tx["purchase"] = (tx["quantity"] > 0) & (tx["amount"] > 0)
    as_of = tx["revenue_month"].max()
    window_start = as_of - pd.DateOffset(months=11)

    monthly = tx.groupby(["customer_id", "revenue_month"])["amount"].sum().reset_index()
    acquisition = monthly[monthly["amount"] > 0].groupby("customer_id")["revenue_month"].min()
    in_window = tx[tx["revenue_month"] >= window_start]
    snap = pd.DataFrame(index=pd.Index(sorted(tx["customer_id"].unique()), name="customer_id"))
    snap["t12m_revenue"] = in_window.groupby("customer_id")["amount"].sum()
    snap["t12m_revenue"] = snap["t12m_revenue"].fillna(0.0)
    snap["t12m_orders"] = in_window[in_window["purchase"]].groupby("customer_id")["invoice_id"].nunique()
    snap["acquisition_month"] = acquisition
    snap["tenure_months"] = [
        (as_of.year - a.year) * 12 + as_of.month - a.month if pd.notna(a) else np.nan for a in snap["acquisition_month"]
    ]
    snap["keys_ever"] = tx[tx["purchase"]].groupby("customer_id")["key"].nunique()
    snap["keys_ever"] = snap["keys_ever"].fillna(0)

    high, medium = 100_000, 10_000

    def tier(value: float) -> str:
        return "high" if value > high else "medium" if value >= medium else "low" if value > 0 else "inactive"

    snap["value_tier"] = snap["t12m_revenue"].map(tier)
    active = snap[snap["t12m_revenue"] > 0].reset_index()
    active = active.sort_values(["t12m_revenue", "customer_id"], ascending=[False, True])
    share_before = (active["t12m_revenue"].cumsum() - active["t12m_revenue"]) / active["t12m_revenue"].sum()
    cuts = np.select([share_before < 0.80, share_before < 0.95, share_before < 0.99], ["A", "B", "C"], "D")
    snap["pareto_tier"] = pd.Series(cuts, index=active["customer_id"].to_numpy())
    snap["pareto_tier"] = snap["pareto_tier"].fillna("D")

    attrs = customers.set_index("customer_id")
    employees = pd.to_numeric(attrs["employee_count"].where(attrs["employee_count"].str.match(r"^\+?\d+$")))
    bands = pd.cut(employees, [-1, 49, 249, 999, np.inf], labels=["small", "mid", "large", "enterprise"])
    snap["industry"] = attrs["industry"].reindex(snap.index).replace("", np.nan).fillna("unknown")
    snap["size_band"] = bands.astype(object).reindex(snap.index).fillna("unknown")
    actives = snap[snap["t12m_revenue"] > 0]
    by_pair = actives.groupby(["industry", "size_band"])["t12m_revenue"]
    by_industry = actives.groupby("industry")["t12m_revenue"]
    overall = actives["t12m_revenue"].quantile(quantile)
    groups, benchmarks = [], []
    for _, row in snap.iterrows():
        pair = (row["industry"], row["size_band"])
        if pair in by_pair.groups and len(by_pair.groups[pair]) >= min_peer:
            groups.append(f"{pair[0]} / {pair[1]}")
            benchmarks.append(by_pair.get_group(pair).quantile(quantile))
        elif row["industry"] in by_industry.groups and len(by_industry.groups[row["industry"]]) >= min_peer:
            groups.append(row["industry"])
            benchmarks.append(by_industry.get_group(row["industry"]).quantile(quantile))
        else:
            groups.append("all")
            benchmarks.append(overall)
    snap["peer_group"], snap["peer_benchmark"] = groups, benchmarks
    snap["potential"] = (snap["peer_benchmark"] - snap["t12m_revenue"].clip(lower=0)).clip(lower=0)
    snap["potential_tier"] = snap["potential"].map(lambda p: "none" if p == 0 else tier(p))
    cells = {
        ("high", True): "strategic_growth", ("high", False): "protect",
        ("medium", True): "develop", ("medium", False): "maintain",
        ("low", True): "hidden_gem", ("low", False): "automate",
        ("inactive", True): "win_back", ("inactive", False): "dormant",
    }  # fmt: skip
    snap["value_potential_cell"] = [
        cells[(v, p in ("high", "medium"))] for v, p in zip(snap["value_tier"], snap["potential_tier"], strict=True)
    ]
    tenure, keys = snap["tenure_months"], snap["keys_ever"]
    snap["relationship_level"] = np.select(
        [tenure.isna() | (tenure < 12), (tenure >= 36) & (keys >= 5), keys >= 3],
        ["new", "partner", "established"],
        "developing",
    )
    return snap


def report(seeds: Path) -> str:
    tx = clean_transactions(seeds)
    snap = snapshot(seeds)
    lines = [f"raw rows {len(tx):,}; rejected by reason:"]
    lines += [f"  {k}: {v}" for k, v in tx["reason"].value_counts().sort_index().items()]
    for column in ["value_tier", "pareto_tier", "value_potential_cell", "relationship_level", "peer_group"]:
        counts = snap[column].value_counts().sort_index()
        lines.append(f"{column}: " + ", ".join(f"{k}={v}" for k, v in counts.items()))
    return "\n".join(lines)


if __name__ == "__main__":
    print(report(Path(sys.argv[1] if len(sys.argv) > 1 else "seeds/demo")))
