"""One module per feature: (cursor, config, filters) -> Polars frames and small
dataclasses, from named queries. No Streamlit, no Plotly."""
