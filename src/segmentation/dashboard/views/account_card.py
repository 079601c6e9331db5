"""Account card: one account's revenue by month, movements and categories, tiers, potential and predictions."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from segmentation.dashboard.context import get_context
from segmentation.dashboard.formatting import count, money, month_label, percent

CATEGORIES: tuple[tuple[str, str], ...] = (
    ("conversion_revenue", "Conversion"),
    ("retention_revenue", "Retention"),
    ("penetration_revenue", "Penetration"),
)

context = get_context()
st.title("Account card")
context.source_note()
currency = context.currency
customers = context.customers.sort_values(["t12m_revenue", "customer_id"], ascending=[False, True], na_position="last")
if customers.empty:
    st.info("No account in this selection.")
    st.stop()
ids = list(customers["customer_id"])
names = dict(zip(customers["customer_id"], customers["company_name"].fillna(""), strict=True))
wanted = st.query_params.get("account")
account = st.selectbox(
    "Account (largest T12M revenue first)",
    ids,
    index=ids.index(wanted) if wanted in ids else 0,
    format_func=lambda i: f"{i} · {names[i]}" if names[i] else i,
    key="card_account",
)
customer = customers[customers["customer_id"] == account].iloc[0]
st.subheader(f"{customer['company_name'] or account}")
st.caption(
    " · ".join(
        str(v)
        for v in (
            account,
            customer.get("industry"),
            customer.get("size_band"),
            customer.get("country"),
            f"lifecycle {customer['lifecycle_status']}",
        )
        if v is not None and v == v
    )
)

first, second, third, fourth = st.columns(4)
first.metric("T12M revenue", money(customer["t12m_revenue"], currency))
second.metric("Lifetime revenue", money(customer["lifetime_revenue"], currency))
third.metric("Value tier", str(customer["value_tier"]))
fourth.metric("Cell", str(customer["value_potential_cell"]))
fifth, sixth, seventh, eighth = st.columns(4)
fifth.metric("Potential", money(customer["potential"], currency))
sixth.metric("Peer benchmark", money(customer["peer_benchmark"], currency))
seventh.metric("Peer group", str(customer["peer_group"]))
eighth.metric("Relationship", str(customer["relationship_level"]))

clv = context.data.clv
prediction = None
if {"p_alive", "predicted_revenue", "churn_risk"} <= set(customer.index):
    prediction = customer
elif clv is not None and account in set(clv["customer_id"]):
    prediction = clv[clv["customer_id"] == account].iloc[0]
if prediction is not None:
    st.subheader("Predicted value")
    a, b, c = st.columns(3)
    a.metric("p_alive", percent(prediction["p_alive"]))
    b.metric("Predicted revenue", money(prediction["predicted_revenue"], currency))
    c.metric("Churn risk", str(prediction["churn_risk"]))
elif clv is not None or "p_alive" in customer.index:
    st.caption("No prediction for this account (no purchase day up to as_of_date).")

months = context.data.months[context.data.months["customer_id"] == account].sort_values("revenue_month")
st.subheader("Revenue by month")
figure = go.Figure()
for column, label in CATEGORIES:
    figure.add_bar(x=months["revenue_month"], y=months[column], name=label)
figure.add_scatter(
    x=months["revenue_month"],
    y=months["revenue"],
    mode="markers+text",
    text=months["movement"],
    textposition="top center",
    name="movement",
    marker={"color": "black", "size": 6},
)
figure.update_layout(barmode="relative", height=400, yaxis={"title": currency}, legend={"orientation": "h"})
st.plotly_chart(figure, width="stretch")
table = months[
    ["revenue_month", "revenue", "movement", "movement_amount", "orders", *(c for c, _ in CATEGORIES)]
].copy()
table["revenue_month"] = table["revenue_month"].map(month_label)
st.dataframe(
    table.sort_values("revenue_month", ascending=False),
    hide_index=True,
    column_config={
        c: st.column_config.NumberColumn(format="%.2f")
        for c in ("revenue", "movement_amount", *(c for c, _ in CATEGORIES))
    },
)

snapshots = context.data.snapshots[context.data.snapshots["customer_id"] == account].sort_values("snapshot_month")
st.subheader("Potential against the peer benchmark")
potential = go.Figure()
potential.add_scatter(x=snapshots["snapshot_month"], y=snapshots["t12m_revenue"], name="T12M revenue", mode="lines")
potential.add_scatter(
    x=snapshots["snapshot_month"],
    y=snapshots["peer_benchmark"],
    name="peer benchmark",
    mode="lines",
    line={"dash": "dash"},
)
potential.update_layout(height=340, yaxis={"title": currency}, legend={"orientation": "h"})
st.plotly_chart(potential, width="stretch")
st.caption(
    f"Peer group {customer['peer_group']}: benchmark {money(customer['peer_benchmark'], currency)} "
    f"(the peers' T12M revenue quantile); potential = benchmark - T12M revenue, at least 0."
)

st.subheader("Tiers over time")
tiers = snapshots[
    ["snapshot_month", "value_tier", "pareto_tier", "potential_tier", "value_potential_cell", "relationship_level"]
].copy()
tiers["snapshot_month"] = tiers["snapshot_month"].map(month_label)
st.dataframe(tiers.sort_values("snapshot_month", ascending=False), hide_index=True)
order = {"inactive": 0, "low": 1, "medium": 2, "high": 3}
steps = go.Figure(
    go.Scatter(
        x=snapshots["snapshot_month"],
        y=snapshots["value_tier"].map(order),
        mode="lines+markers",
        line={"shape": "hv"},
        text=snapshots["value_tier"],
    )
)
steps.update_layout(
    height=260, yaxis={"tickvals": list(order.values()), "ticktext": list(order)}, title="Value tier", margin={"t": 40}
)
st.plotly_chart(steps, width="stretch")
st.caption(
    f"{count(len(months))} account months, {count(int(customer['lifetime_orders']))} orders in its lifetime; "
    f"first purchase {pd.Timestamp(customer['first_purchase_date']):%Y-%m-%d}"
    if customer["first_purchase_date"] == customer["first_purchase_date"]
    else "No purchase yet."
)
