"""Streamlit entry point: `segmentation dashboard` runs `streamlit run` on this file.

It reads the serving copy named by $SEGMENTATION_SERVING_DIR (default warehouse/serving) read-only, draws the
sidebar (publication, filters) and hands over to the page picked in the navigation (views/*.py).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from segmentation.dashboard.context import PAGES, build_context, run_page, show_missing
from segmentation.dashboard.data import ServingCopyMissingError, serving_dir_from_env

# Not `pages/`: Streamlit would list that folder itself and run a page without this script.
PAGE_DIR = Path(__file__).parent / "views"

st.set_page_config(page_title="Revenue segmentation", page_icon=":bar_chart:", layout="wide")

serving_dir = serving_dir_from_env()
try:
    context = build_context(serving_dir)
except ServingCopyMissingError as error:
    show_missing(str(error))
    st.stop()

navigation = st.navigation(
    [st.Page(str(PAGE_DIR / f"{page.file}.py"), title=page.title, url_path=page.url_path) for page in PAGES]
)
run_page(context, navigation.run)
