"""Cohorts: logo and revenue retention by acquisition month."""

from __future__ import annotations

import plotly.express as px
import streamlit as st

from segmentation.dashboard.context import get_context
from segmentation.dashboard.formatting import count, month_label, percent

context = get_context()
st.title("Cohorts")
context.source_note()
cohorts = context.cohorts.copy()
if cohorts.empty:
    st.info("No acquired account in this selection.")
    st.stop()
cohorts["cohort"] = cohorts["cohort_month"].map(month_label)
largest = cohorts[cohorts["months_since_acquisition"] == 0].sort_values("cohort_accounts").iloc[-1]
twelve = cohorts[cohorts["months_since_acquisition"] == 12]
left, right = st.columns(2)
left.metric("Cohorts", count(cohorts["cohort_month"].nunique()))
right.metric(
    "Average logo retention at 12 months",
    percent((twelve["active_accounts"].sum() / twelve["cohort_accounts"].sum()) if len(twelve) else None),
)
st.caption(f"Largest cohort {largest['cohort']}: {count(largest['cohort_accounts'])} accounts.")

for column, title, scale in (
    ("logo_retention", "Logo retention (active accounts / cohort accounts)", "Blues"),
    ("revenue_retention", "Revenue retention (revenue / revenue in the acquisition month)", "Oranges"),
):
    grid = cohorts.pivot(index="cohort", columns="months_since_acquisition", values=column)
    figure = px.imshow(
        grid,
        color_continuous_scale=scale,
        aspect="auto",
        labels={"x": "months since acquisition", "y": "cohort", "color": column},
        zmin=0,
        zmax=1 if column == "logo_retention" else max(1.0, float(grid.max().max() or 1)),
    )
    figure.update_layout(title=title, height=520)
    st.plotly_chart(figure, width="stretch")
