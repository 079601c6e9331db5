"""What every page shares: the loaded serving copy, the sidebar filters and the figures of the selection."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from segmentation.dashboard import metrics
from segmentation.dashboard.data import (
    ServingCopyMissingError,
    ServingData,
    file_identity,
    load,
    missing_message,
    serving_dir_from_env,
)
from segmentation.dashboard.formatting import month_label
from segmentation.serving import SERVING_FILE


@dataclass(frozen=True)
class PageSpec:
    file: str
    title: str
    url_path: str


PAGES: tuple[PageSpec, ...] = (
    PageSpec("overview", "Overview", "overview"),
    PageSpec("revenue_bridge", "Revenue bridge", "revenue-bridge"),
    PageSpec("value_potential", "Value \N{MULTIPLICATION SIGN} potential", "value-potential"),
    PageSpec("pareto", "Pareto", "pareto"),
    PageSpec("cohorts", "Cohorts", "cohorts"),
    PageSpec("migration", "Migration", "migration"),
    PageSpec("playbook", "Playbook", "playbook"),
    PageSpec("account_card", "Account card", "account-card"),
)

#: Sidebar filters: dim_customers column -> label.
FILTERS: dict[str, str] = {"industry": "Industry", "size_band": "Size band", "country": "Country"}
#: The context app.py built in this script run (a script run is one thread), for the page it runs next.
_current = threading.local()


@st.cache_resource(max_entries=2, show_spinner="Reading the serving copy ...")
def _load_cached(identity: tuple[str, int, int, int]) -> ServingData:
    return load(Path(identity[0]).parent)


@dataclass
class Context:
    data: ServingData
    filters: dict[str, list[str]]

    @property
    def currency(self) -> str:
        return self.data.currency

    @property
    def filtered(self) -> bool:
        return any(self.filters.values())

    @cached_property
    def customers(self) -> pd.DataFrame:
        frame = self.data.customers
        for column, values in self.filters.items():
            if values:
                frame = frame[frame[column].fillna("unknown").isin(values)]
        return frame

    @cached_property
    def customer_ids(self) -> set[str]:
        return set(self.customers["customer_id"])

    @cached_property
    def months(self) -> pd.DataFrame:
        frame = self.data.months
        return frame[frame["customer_id"].isin(self.customer_ids)] if self.filtered else frame

    @cached_property
    def snapshots(self) -> pd.DataFrame:
        frame = self.data.snapshots
        return frame[frame["customer_id"].isin(self.customer_ids)] if self.filtered else frame

    @cached_property
    def monthly(self) -> pd.DataFrame:
        """mart_monthly_revenue as published, or recomputed over the filtered accounts."""
        if not self.filtered:
            return self.data.monthly
        return metrics.monthly_figures(self.months, self.snapshots)

    def segments(self, segment_type: str) -> pd.DataFrame:
        if not self.filtered:
            summary = self.data.summary
            return summary[summary["segment_type"] == segment_type]
        return metrics.segment_figures(self.snapshots, segment_type)

    @cached_property
    def cohorts(self) -> pd.DataFrame:
        if not self.filtered:
            return self.data.cohorts
        return metrics.cohort_figures(self.months, self.data.as_of_month)

    @cached_property
    def migration(self) -> pd.DataFrame:
        if not self.filtered:
            return self.data.migration
        return metrics.migration_figures(self.snapshots)

    def source_note(self) -> None:
        """One line under the title saying where the figures come from."""
        if self.filtered:
            chosen = "; ".join(f"{FILTERS[c].lower()} {', '.join(v)}" for c, v in self.filters.items() if v)
            st.caption(
                f"Filtered to {len(self.customer_ids):,} accounts ({chosen}): figures re-aggregated from the "
                "account-level marts (fct_customer_months, fct_customer_snapshots)."
            )
        else:
            st.caption(
                f"All {len(self.data.customers):,} accounts, figures as published in the marts. "
                f"Amounts in {self.currency}."
            )


def month_picker(label: str, months: pd.Series, key: str, default: Any = None) -> pd.Timestamp:
    """A select box of months, newest first; defaults to `default` (else the newest)."""
    options = sorted(pd.to_datetime(months.dropna().unique()), reverse=True)
    if not options:
        st.info("No month to show for this selection.")
        st.stop()
    index = 0
    if default is not None and pd.Timestamp(default) in options:
        index = options.index(pd.Timestamp(default))
    return st.selectbox(label, options, index=index, format_func=month_label, key=key)


def show_missing(message: str) -> None:
    st.title("Revenue segmentation")
    st.error(message)


def _sidebar(data: ServingData) -> dict[str, list[str]]:
    publication = data.publication
    with st.sidebar:
        st.markdown("**Revenue segmentation**")
        published_at = publication.get("published_at")
        st.caption(
            f"Published {published_at:%Y-%m-%d %H:%M} UTC · as of {publication.get('as_of_date'):%Y-%m-%d} · "
            f"{data.currency} · build {str(publication.get('git_commit') or 'unknown')[:12]}"
        )
        filters: dict[str, list[str]] = {}
        for column, label in FILTERS.items():
            values = sorted(data.customers[column].fillna("unknown").unique())
            if len(values) > 1:
                filters[column] = st.multiselect(label, values, key=f"filter_{column}", placeholder="All")
            else:
                filters[column] = []
    return filters


def build_context(serving_dir: Path) -> Context:
    """Load the serving copy (cached per file identity) and draw the sidebar; ServingCopyMissingError if none."""
    identity = file_identity(serving_dir / SERVING_FILE)
    if identity is None:
        raise ServingCopyMissingError(missing_message(serving_dir))
    data = _load_cached(identity)
    return Context(data=data, filters=_sidebar(data))


def run_page(context: Context, run: Any) -> None:
    """app.py: run the selected page with the context of this script run."""
    _current.context = context
    try:
        run()
    finally:
        _current.context = None


def get_context() -> Context:
    """The context of this script run; a page run on its own (AppTest.switch_page) builds it itself."""
    context = getattr(_current, "context", None)
    if context is None:
        try:
            context = build_context(serving_dir_from_env())
        except ServingCopyMissingError as error:
            show_missing(str(error))
            st.stop()
    return context
