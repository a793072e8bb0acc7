"""Streamlit glue per feature: the cached data calls, the shared URL-bound filters, the
navigation, column configurations and widgets the pages compose. Pages import only this,
charts, views and core."""
