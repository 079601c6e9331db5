"""Pareto: cumulative T12M revenue by account with the A / B / C / D cuts."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from segmentation.dashboard import metrics
from segmentation.dashboard.context import get_context, month_picker
from segmentation.dashboard.formatting import count, money, month_label, percent

context = get_context()
st.title("Pareto")
context.source_note()
tiers = context.segments("pareto_tier")
month = month_picker("Snapshot month", tiers["snapshot_month"], key="pareto_month", default=context.data.as_of_month)
tiers = tiers[tiers["snapshot_month"] == month].set_index("segment")
snapshot = context.snapshots[context.snapshots["snapshot_month"] == month]
curve = metrics.pareto_curve(snapshot)
currency = context.currency

columns = st.columns(4)
for column, tier in zip(columns, metrics.PARETO_TIERS, strict=True):
    accounts = int(tiers["accounts"].get(tier, 0))
    column.metric(
        f"Tier {tier}", f"{count(accounts)} accounts", percent(tiers["revenue_share"].get(tier, 0.0)) + " of revenue"
    )

figure = go.Figure()
for tier in metrics.PARETO_TIERS:
    part = curve[curve["pareto_tier"] == tier]
    if len(part):
        figure.add_scatter(
            x=part["account_share"], y=part["cumulative_share"], mode="lines", name=f"Tier {tier}", line={"width": 3}
        )
cuts = sorted({float(v) for v in (0.80, 0.95, 0.99)})
for cut in cuts:
    figure.add_hline(y=cut, line_dash="dot", annotation_text=f"{cut:.0%}", annotation_position="bottom right")
figure.update_layout(
    title=f"Cumulative T12M revenue, {month_label(month)} ({count(len(curve))} active accounts)",
    xaxis={"title": "share of active accounts", "tickformat": ".0%"},
    yaxis={"title": "share of T12M revenue", "tickformat": ".0%"},
    height=460,
)
st.plotly_chart(figure, width="stretch")
st.caption(
    "Accounts with active T12M revenue, largest first; an account's tier is fixed by the revenue share of the "
    "accounts before it (A < 80 %, B < 95 %, C < 99 %, else D; inactive accounts are D)."
)
table = pd.DataFrame(
    {
        "tier": list(metrics.PARETO_TIERS),
        "accounts": [count(tiers["accounts"].get(t, 0)) for t in metrics.PARETO_TIERS],
        "T12M revenue": [money(tiers["t12m_revenue"].get(t, 0.0), currency) for t in metrics.PARETO_TIERS],
        "revenue share": [percent(tiers["revenue_share"].get(t, 0.0)) for t in metrics.PARETO_TIERS],
        "account share": [percent(tiers["account_share"].get(t, 0.0)) for t in metrics.PARETO_TIERS],
    }
)
st.dataframe(table, hide_index=True)
