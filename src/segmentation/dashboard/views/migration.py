"""Migration: value-tier migration from s-12 to s."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from segmentation.dashboard import metrics
from segmentation.dashboard.context import get_context, month_picker
from segmentation.dashboard.formatting import count, money, month_label

context = get_context()
st.title("Migration")
context.source_note()
migration = context.migration
if migration.empty:
    st.info("Migration needs 12 months of snapshots before the month shown.")
    st.stop()
month = month_picker(
    "Snapshot month", migration["snapshot_month"], key="migration_month", default=context.data.as_of_month
)
rows = migration[migration["snapshot_month"] == month]
earlier = month - pd.DateOffset(months=12)
currency = context.currency
st.subheader(f"Value tier {month_label(earlier)} → {month_label(month)}")
grid = rows.pivot_table(
    index="from_value_tier", columns="to_value_tier", values="accounts", aggfunc="sum", fill_value=0
).reindex(index=list(metrics.VALUE_TIERS), columns=list(metrics.VALUE_TIERS), fill_value=0)
figure = go.Figure(
    go.Heatmap(
        z=grid.values,
        x=[f"to {t}" for t in grid.columns],
        y=[f"from {t}" for t in grid.index],
        text=[[count(v) for v in row] for row in grid.values],
        texttemplate="%{text}",
        colorscale="Purples",
        showscale=False,
    )
)
figure.update_layout(height=420, yaxis={"autorange": "reversed"}, margin={"t": 20})
st.plotly_chart(figure, width="stretch")
stayed = int(sum(grid.loc[t, t] for t in metrics.VALUE_TIERS))
total = int(grid.values.sum())
st.caption(
    f"{count(total)} accounts with a snapshot at {month_label(month)}; {count(stayed)} kept their tier. An "
    "account without a snapshot 12 months earlier counts as from inactive."
)
table = rows[["from_value_tier", "to_value_tier", "accounts", "from_t12m_revenue", "to_t12m_revenue"]].copy()
table["from_t12m_revenue"] = table["from_t12m_revenue"].map(lambda v: money(v, currency))
table["to_t12m_revenue"] = table["to_t12m_revenue"].map(lambda v: money(v, currency))
st.dataframe(table, hide_index=True)
