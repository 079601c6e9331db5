"""The Streamlit dashboard over the serving copy (`segmentation dashboard`)."""
