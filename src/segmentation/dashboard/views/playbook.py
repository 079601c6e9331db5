"""Playbook: the treatment per value tier and the sales hours it implies."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import streamlit as st

from segmentation.dashboard.context import get_context
from segmentation.dashboard.formatting import count, hours, money, percent

context = get_context()
st.title("Playbook")
context.source_note()
currency = context.currency
playbook = context.data.playbook.sort_values("tier_rank")
capacity = st.number_input(
    "Sales team hours per month",
    min_value=0.0,
    value=1000.0,
    step=40.0,
    key="playbook_hours",
    help="Hours the sales team can spend on accounts in a month; the playbook shares them out by value tier.",
)
customers = context.customers
tiers = (
    customers.groupby("value_tier")
    .agg(accounts=("customer_id", "size"), t12m_revenue=("t12m_revenue", "sum"))
    .reindex(playbook["value_tier"])
    .fillna(0)
)
rows = []
for _, tier in playbook.iterrows():
    accounts = int(tiers.loc[tier["value_tier"], "accounts"])
    tier_hours = float(tier["sales_time_share"]) * capacity
    rows.append(
        {
            "value tier": tier["value_tier"],
            "accounts": count(accounts),
            "T12M revenue": money(tiers.loc[tier["value_tier"], "t12m_revenue"], currency),
            "sales time share": percent(tier["sales_time_share"], 0),
            "sales hours / month": hours(tier_hours),
            "hours per account / month": hours(tier_hours / accounts) if accounts else "\N{EN DASH}",
            "support": tier["support_level"],
            "review cadence": tier["account_review_cadence"],
            "pitch": tier["pitch_approach"],
            "owner": tier["account_owner"],
            "_hours": tier_hours,
        }
    )
table = pd.DataFrame(rows)
st.dataframe(table.drop(columns="_hours"), hide_index=True)
chart = px.bar(table, x="value tier", y="_hours", text="sales hours / month", labels={"_hours": "sales hours / month"})
chart.update_layout(title="Sales hours implied per value tier", height=360)
st.plotly_chart(chart, width="stretch")
st.subheader("Treatments")
for _, tier in playbook.iterrows():
    st.markdown(f"**{tier['value_tier']}** — {tier['treatment']}")
