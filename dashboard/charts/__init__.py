"""Plotly figures (and the SVG badge) per feature: frames in, figures out. No Streamlit,
no queries."""
