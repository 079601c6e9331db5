"""Overview: revenue, ARPA, T12M ARPA, NRR / GRR and active accounts for a month."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from segmentation.dashboard.context import get_context, month_picker
from segmentation.dashboard.formatting import count, money, month_label, percent

context = get_context()
st.title("Overview")
context.source_note()
monthly = context.monthly.sort_values("revenue_month")
month = month_picker("Month", monthly["revenue_month"], key="overview_month", default=context.data.as_of_month)
row = monthly[monthly["revenue_month"] == month].iloc[0]
previous = monthly[monthly["revenue_month"] < month].tail(1)


def delta(column: str, formatter) -> str | None:
    if previous.empty or row[column] != row[column] or previous.iloc[0][column] != previous.iloc[0][column]:
        return None
    return formatter(row[column] - previous.iloc[0][column])


currency = context.currency
st.subheader(f"{month_label(month)}")
first, second, third = st.columns(3)
first.metric("Revenue", money(row["revenue"], currency), delta("revenue", lambda v: money(v, currency)))
second.metric("ARPA", money(row["arpa"], currency), delta("arpa", lambda v: money(v, currency)))
third.metric("Active accounts", count(row["active_accounts"]), delta("active_accounts", count))
fourth, fifth, sixth = st.columns(3)
fourth.metric("T12M ARPA", money(row["t12m_arpa"], currency), delta("t12m_arpa", lambda v: money(v, currency)))
fifth.metric("NRR (T12M)", percent(row["nrr_t12m"]))
sixth.metric("GRR (T12M)", percent(row["grr_t12m"]))
st.caption(
    "ARPA = revenue / active accounts of the month; T12M ARPA = trailing-12-month revenue / accounts active over "
    "the window; NRR / GRR = trailing-12-month revenue now of the accounts active a year earlier, over their "
    "revenue then (GRR caps each account at its revenue then and floors it at 0). "
    f"T12M revenue {money(row['t12m_revenue'], currency)} over {count(row['t12m_active_accounts'])} accounts."
)

figure = go.Figure()
figure.add_bar(x=monthly["revenue_month"], y=monthly["revenue"], name="Revenue")
figure.add_scatter(x=monthly["revenue_month"], y=monthly["arpa"], name="ARPA", yaxis="y2", mode="lines+markers")
figure.update_layout(
    title="Monthly revenue and ARPA",
    yaxis={"title": f"Revenue ({currency})"},
    yaxis2={"title": f"ARPA ({currency})", "overlaying": "y", "side": "right"},
    legend={"orientation": "h"},
    height=380,
    margin={"t": 50, "b": 30},
)
st.plotly_chart(figure, width="stretch")
ratios = go.Figure()
ratios.add_scatter(x=monthly["revenue_month"], y=monthly["nrr_t12m"], name="NRR (T12M)", mode="lines")
ratios.add_scatter(x=monthly["revenue_month"], y=monthly["grr_t12m"], name="GRR (T12M)", mode="lines")
ratios.update_layout(
    title="Net and gross revenue retention", yaxis={"tickformat": ".0%"}, height=320, margin={"t": 50, "b": 30}
)
st.plotly_chart(ratios, width="stretch")
