"""Revenue bridge: opening -> new / reactivation / expansion / contraction / churn -> closing, per month."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from segmentation.dashboard.context import get_context, month_picker
from segmentation.dashboard.formatting import money, month_label

STEPS: tuple[tuple[str, str], ...] = (
    ("New", "new_revenue"),
    ("Reactivation", "reactivation_revenue"),
    ("Expansion", "expansion_revenue"),
    ("Contraction", "contraction_revenue"),
    ("Churn", "churned_revenue"),
)

context = get_context()
st.title("Revenue bridge")
context.source_note()
monthly = context.monthly.sort_values("revenue_month")
month = month_picker("Month", monthly["revenue_month"], key="bridge_month", default=context.data.as_of_month)
row = monthly[monthly["revenue_month"] == month].iloc[0]
currency = context.currency

labels = ["Opening", *(label for label, _ in STEPS)]
values = [row["opening_revenue"], *(row[column] for _, column in STEPS)]
# Accounts inactive in both months can still move (a negative month to zero): shown when not zero.
if abs(row["inactive_change"]) >= 0.005:
    labels.append("Inactive change")
    values.append(row["inactive_change"])
labels.append("Closing")
values.append(row["closing_revenue"])
measures = ["absolute", *["relative"] * (len(values) - 2), "total"]
figure = go.Figure(
    go.Waterfall(
        x=labels,
        y=values,
        measure=measures,
        text=[money(v, currency) for v in values],
        textposition="outside",
        connector={"line": {"color": "#999"}},
    )
)
figure.update_layout(
    title=f"Revenue bridge {month_label(month)}", yaxis={"title": currency}, height=460, margin={"t": 60}
)
st.plotly_chart(figure, width="stretch")

table = pd.DataFrame({"step": labels, "amount": [money(v, currency, 2) for v in values]})
st.dataframe(table, hide_index=True, width="content")
st.caption("Opening = previous month's revenue; each movement is the sum of movement_amount for it (SPEC §3).")

st.subheader("Every month")
columns = ["revenue_month", "opening_revenue", *(c for _, c in STEPS), "inactive_change", "closing_revenue"]
history = monthly[columns].copy()
history["revenue_month"] = history["revenue_month"].map(month_label)
stacked = go.Figure()
for label, column in STEPS:
    stacked.add_bar(x=history["revenue_month"], y=monthly[column], name=label)
stacked.update_layout(barmode="relative", title="Movements per month", height=360, yaxis={"title": currency})
st.plotly_chart(stacked, width="stretch")
st.dataframe(
    history.sort_values("revenue_month", ascending=False),
    hide_index=True,
    column_config={c: st.column_config.NumberColumn(format="%.2f") for c in columns[1:]},
)
