"""Value x potential: the SPEC §5 cells (accounts, T12M revenue), their accounts, and the relationship canvas."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from segmentation.dashboard import metrics
from segmentation.dashboard.context import get_context, month_picker
from segmentation.dashboard.formatting import count, money, month_label

context = get_context()
st.title("Value \N{MULTIPLICATION SIGN} potential")
context.source_note()
cells = context.segments("value_potential_cell")
month = month_picker("Snapshot month", cells["snapshot_month"], key="vp_month", default=context.data.as_of_month)
cells = cells[cells["snapshot_month"] == month].set_index("segment")
currency = context.currency

st.subheader(f"Current value \N{MULTIPLICATION SIGN} growth potential, {month_label(month)}")
z, text, rows = [], [], []
for tier in metrics.VALUE_TIERS:
    z_row, text_row = [], []
    for column in metrics.POTENTIAL_COLUMNS:
        cell = metrics.CELLS[(tier, column)]
        accounts = int(cells["accounts"].get(cell, 0))
        revenue = float(cells["t12m_revenue"].get(cell, 0.0))
        z_row.append(accounts)
        text_row.append(f"<b>{cell}</b><br>{count(accounts)} accounts<br>{money(revenue, currency)}")
        rows.append(
            {
                "value tier": tier,
                "potential": column,
                "cell": cell,
                "accounts": accounts,
                "T12M revenue": money(revenue, currency),
            }
        )
    z.append(z_row)
    text.append(text_row)
heatmap = go.Figure(
    go.Heatmap(
        z=z,
        x=[f"potential {c}" for c in metrics.POTENTIAL_COLUMNS],
        y=[f"value {t}" for t in metrics.VALUE_TIERS],
        text=text,
        texttemplate="%{text}",
        colorscale="Blues",
        showscale=False,
    )
)
heatmap.update_layout(height=420, yaxis={"autorange": "reversed"}, margin={"t": 20})
st.plotly_chart(heatmap, width="stretch")
st.dataframe(pd.DataFrame(rows), hide_index=True)

st.subheader("Accounts of a cell")
chosen = st.selectbox("Cell", list(metrics.CELLS.values()), key="vp_cell")
snapshot = context.snapshots[context.snapshots["snapshot_month"] == month]
members = snapshot[snapshot["value_potential_cell"] == chosen].merge(
    context.data.customers[["customer_id", "company_name", "industry", "size_band", "country"]],
    on="customer_id",
    how="left",
)
members = members.sort_values(["t12m_revenue", "customer_id"], ascending=[False, True])
st.caption(f"{chosen}: {count(len(members))} accounts, T12M revenue {money(members['t12m_revenue'].sum(), currency)}")
st.dataframe(
    members[
        [
            "customer_id",
            "company_name",
            "industry",
            "size_band",
            "country",
            "t12m_revenue",
            "peer_benchmark",
            "potential",
            "peer_group",
            "relationship_level",
        ]
    ],
    hide_index=True,
    column_config={
        c: st.column_config.NumberColumn(format="%.2f") for c in ("t12m_revenue", "peer_benchmark", "potential")
    },
)

st.subheader("Customer segmentation canvas: relationship \N{MULTIPLICATION SIGN} potential")
canvas = (
    snapshot.groupby(["relationship_level", "potential_tier"])
    .agg(accounts=("customer_id", "size"), t12m_revenue=("t12m_revenue", "sum"))
    .reset_index()
)
z2, text2 = [], []
for level in metrics.RELATIONSHIP_LEVELS:
    z_row, text_row = [], []
    for potential in metrics.POTENTIAL_TIERS:
        match = canvas[(canvas["relationship_level"] == level) & (canvas["potential_tier"] == potential)]
        accounts = int(match["accounts"].sum())
        z_row.append(accounts)
        text_row.append(f"{count(accounts)} accounts<br>{money(match['t12m_revenue'].sum(), currency)}")
    z2.append(z_row)
    text2.append(text_row)
canvas_figure = go.Figure(
    go.Heatmap(
        z=z2,
        x=[f"potential {p}" for p in metrics.POTENTIAL_TIERS],
        y=list(metrics.RELATIONSHIP_LEVELS),
        text=text2,
        texttemplate="%{text}",
        colorscale="Greens",
        showscale=False,
    )
)
canvas_figure.update_layout(height=420, yaxis={"autorange": "reversed", "title": "relationship"}, margin={"t": 20})
st.plotly_chart(canvas_figure, width="stretch")
