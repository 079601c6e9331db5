"""Figures for a slice of accounts (industry / size band / country filters), from the account-grain marts.

Unfiltered, every page shows the BI marts as published (mart_monthly_revenue, mart_segment_summary, ...).
With a filter those totals no longer apply, so the page re-aggregates the account-grain facts
(fct_customer_months, fct_customer_snapshots) of the selected accounts with the SPEC §7 definitions. The
tests check that these functions on all accounts give the published marts back.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

MOVEMENTS: tuple[str, ...] = ("new", "reactivation", "expansion", "contraction", "churn", "inactive")
MOVEMENT_COLUMNS: dict[str, str] = {
    "new": "new_revenue",
    "reactivation": "reactivation_revenue",
    "expansion": "expansion_revenue",
    "contraction": "contraction_revenue",
    "churn": "churned_revenue",
    "inactive": "inactive_change",
}
VALUE_TIERS: tuple[str, ...] = ("high", "medium", "low", "inactive")
POTENTIAL_TIERS: tuple[str, ...] = ("high", "medium", "low", "none")
PARETO_TIERS: tuple[str, ...] = ("A", "B", "C", "D")
RELATIONSHIP_LEVELS: tuple[str, ...] = ("new", "developing", "established", "partner")
#: SPEC §5 value x potential cells: (value_tier, potential column) -> cell.
CELLS: dict[tuple[str, str], str] = {
    ("high", "high or medium"): "strategic_growth",
    ("high", "low or none"): "protect",
    ("medium", "high or medium"): "develop",
    ("medium", "low or none"): "maintain",
    ("low", "high or medium"): "hidden_gem",
    ("low", "low or none"): "automate",
    ("inactive", "high or medium"): "win_back",
    ("inactive", "low or none"): "dormant",
}
POTENTIAL_COLUMNS: tuple[str, ...] = ("high or medium", "low or none")


def _ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    return numerator.where(denominator != 0) / denominator.where(denominator != 0)


def monthly_figures(months: pd.DataFrame, snapshots: pd.DataFrame) -> pd.DataFrame:
    """mart_monthly_revenue's figures over the accounts in `months` / `snapshots` (SPEC §7)."""
    grouped = months.groupby("revenue_month")
    frame = pd.DataFrame(
        {
            "revenue": grouped["revenue"].sum(),
            "opening_revenue": grouped["previous_revenue"].sum(),
            "active_accounts": grouped["revenue"].apply(lambda s: int((s > 0).sum())),
            "orders": grouped["orders"].sum(),
            "conversion_revenue": grouped["conversion_revenue"].sum(),
            "retention_revenue": grouped["retention_revenue"].sum(),
            "penetration_revenue": grouped["penetration_revenue"].sum(),
        }
    )
    movement = months.pivot_table(
        index="revenue_month", columns="movement", values="movement_amount", aggfunc="sum", fill_value=0.0
    )
    for name, column in MOVEMENT_COLUMNS.items():
        frame[column] = movement[name] if name in movement.columns else 0.0
    frame["closing_revenue"] = frame["revenue"]
    frame["arpa"] = _ratio(frame["revenue"], frame["active_accounts"])
    frame["purchase_frequency"] = _ratio(frame["orders"], frame["active_accounts"])
    by_snapshot = snapshots.groupby("snapshot_month")
    t12m = pd.DataFrame(
        {
            "t12m_revenue": by_snapshot["t12m_revenue"].sum(),
            "t12m_active_accounts": by_snapshot["t12m_revenue"].apply(lambda s: int((s > 0).sum())),
        }
    )
    t12m["t12m_arpa"] = _ratio(t12m["t12m_revenue"], t12m["t12m_active_accounts"])
    t12m = t12m.join(retention_t12m(snapshots))
    frame = frame.join(t12m, how="left")
    frame.index.name = "revenue_month"
    return frame.reset_index()


def retention_t12m(snapshots: pd.DataFrame) -> pd.DataFrame:
    """nrr_t12m / grr_t12m per snapshot month: accounts active in the window ending 12 months earlier."""
    now = snapshots[["customer_id", "snapshot_month", "t12m_revenue"]]
    then = now.rename(columns={"t12m_revenue": "then"}).copy()
    then["snapshot_month"] = then["snapshot_month"] + pd.DateOffset(months=12)
    then = then[then["then"] > 0]
    joined = then.merge(now, on=["customer_id", "snapshot_month"], how="left")
    joined = joined[joined["snapshot_month"] <= now["snapshot_month"].max()]
    joined["t12m_revenue"] = joined["t12m_revenue"].fillna(0.0)
    joined["gross"] = np.minimum(joined["t12m_revenue"].clip(lower=0), joined["then"])
    grouped = joined.groupby("snapshot_month")[["then", "t12m_revenue", "gross"]].sum()
    return pd.DataFrame(
        {
            "nrr_t12m": _ratio(grouped["t12m_revenue"], grouped["then"]),
            "grr_t12m": _ratio(grouped["gross"], grouped["then"]),
        }
    )


def segment_figures(snapshots: pd.DataFrame, segment_type: str) -> pd.DataFrame:
    """mart_segment_summary's accounts / t12m_revenue / shares per snapshot month and segment."""
    frame = snapshots.assign(active=snapshots["t12m_revenue"] > 0)
    grouped = frame.groupby(["snapshot_month", segment_type])
    result = pd.DataFrame(
        {
            "accounts": grouped.size(),
            "active_accounts": grouped["active"].sum().astype(int),
            "t12m_revenue": grouped["t12m_revenue"].sum(),
            "potential": grouped["potential"].sum(),
        }
    ).reset_index()
    result = result.rename(columns={segment_type: "segment"})
    totals = result.groupby("snapshot_month")[["accounts", "t12m_revenue"]].transform("sum")
    result["revenue_share"] = _ratio(result["t12m_revenue"], totals["t12m_revenue"])
    result["account_share"] = result["accounts"] / totals["accounts"]
    result["segment_type"] = segment_type
    return result


def cohort_figures(months: pd.DataFrame, as_of_month: pd.Timestamp) -> pd.DataFrame:
    """mart_cohort_retention over the accounts in `months`: cohort = acquisition month, k = 0 .. as_of."""
    acquired = months.dropna(subset=["acquisition_month"])
    cohorts = acquired.groupby("acquisition_month")["customer_id"].nunique().rename("cohort_accounts")
    frame = acquired.assign(
        months_since_acquisition=(acquired["revenue_month"].dt.year - acquired["acquisition_month"].dt.year) * 12
        + (acquired["revenue_month"].dt.month - acquired["acquisition_month"].dt.month)
    )
    frame = frame[frame["months_since_acquisition"] >= 0]
    grouped = frame.groupby(["acquisition_month", "months_since_acquisition"])
    cells = pd.DataFrame(
        {"active_accounts": grouped["revenue"].apply(lambda s: int((s > 0).sum())), "revenue": grouped["revenue"].sum()}
    )
    rows = []
    for cohort, size in cohorts.items():
        last_k = (as_of_month.year - cohort.year) * 12 + (as_of_month.month - cohort.month)
        for k in range(last_k + 1):
            active, revenue = cells.loc[(cohort, k)] if (cohort, k) in cells.index else (0, 0.0)
            rows.append((cohort, k, int(size), int(active), float(revenue)))
    result = pd.DataFrame(
        rows, columns=["cohort_month", "months_since_acquisition", "cohort_accounts", "active_accounts", "revenue"]
    )
    base = result[result["months_since_acquisition"] == 0].set_index("cohort_month")["revenue"]
    result["logo_retention"] = result["active_accounts"] / result["cohort_accounts"]
    result["revenue_retention"] = _ratio(result["revenue"], result["cohort_month"].map(base))
    return result


def migration_figures(snapshots: pd.DataFrame) -> pd.DataFrame:
    """mart_segment_migration over the accounts in `snapshots`: value tier at s-12 -> at s."""
    now = snapshots[["customer_id", "snapshot_month", "value_tier", "t12m_revenue"]]
    first = snapshots["snapshot_month"].min()
    then = now.rename(columns={"value_tier": "from_value_tier", "t12m_revenue": "from_t12m_revenue"}).copy()
    then["snapshot_month"] = then["snapshot_month"] + pd.DateOffset(months=12)
    current = now[now["snapshot_month"] >= first + pd.DateOffset(months=12)]
    joined = current.merge(then, on=["customer_id", "snapshot_month"], how="left")
    joined["from_value_tier"] = joined["from_value_tier"].fillna("inactive")
    joined["from_t12m_revenue"] = joined["from_t12m_revenue"].fillna(0.0)
    grouped = joined.groupby(["snapshot_month", "from_value_tier", "value_tier"])
    result = pd.DataFrame(
        {
            "accounts": grouped.size(),
            "from_t12m_revenue": grouped["from_t12m_revenue"].sum(),
            "to_t12m_revenue": grouped["t12m_revenue"].sum(),
        }
    ).reset_index()
    return result.rename(columns={"value_tier": "to_value_tier"})


def pareto_curve(snapshot: pd.DataFrame) -> pd.DataFrame:
    """Active accounts of one snapshot month by t12m_revenue desc, customer_id asc, with cumulative shares."""
    active = snapshot[snapshot["t12m_revenue"] > 0].sort_values(
        ["t12m_revenue", "customer_id"], ascending=[False, True]
    )
    total = active["t12m_revenue"].sum()
    active = active.assign(
        rank=np.arange(1, len(active) + 1),
        account_share=np.arange(1, len(active) + 1) / max(len(active), 1),
        cumulative_share=active["t12m_revenue"].cumsum() / total if total else 0.0,
    )
    return active


def cell_of(value_tier: str, potential_tier: str) -> str:
    column = "high or medium" if potential_tier in ("high", "medium") else "low or none"
    return CELLS[(value_tier, column)]
