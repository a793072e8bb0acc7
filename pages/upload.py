"""Upload data (private mode only): the `chi ingest` importer on uploaded exports,
with the same summary. New data shows on the other pages at their next load."""

import streamlit as st

from dashboard.core.schema import CHANNELS
from dashboard.ui import shared as ui
from dashboard.ui import upload as ui_upload

DEFAULT_CHANNEL = "(the format's default)"

st.title("Upload data")
if ui.is_public():
    st.error("Uploads are disabled in public mode.")
    st.stop()

data_dir = ui.current_data_dir()
st.caption(
    f"Imports into `{data_dir}` with the same importer as `chi ingest` "
    "(docs/DATA.md). Re-importing a file adds nothing; rejected rows are kept "
    "with their reason in the data directory's `rejects/` folder."
)

fmt = st.selectbox(
    "Format",
    list(ui_upload.FORMATS),
    key="format",
    format_func=ui_upload.format_label,
)
uploads = st.file_uploader(
    "Export file(s)",
    accept_multiple_files=True,
    key="files",
    type=["csv", "tsv", "txt", "json", "jsonl", "parquet"],
)
left, right = st.columns(2)
brand = left.text_input(
    "Brand",
    key="brand",
    help="Required for twitter-json (the brand's handle), tickets and "
    "facebook-posts; for twcs, the brand of threads no brand answered.",
)
channel = right.selectbox("Channel", [DEFAULT_CHANNEL, *CHANNELS], key="channel")
year = left.number_input(
    "Year of the posts (facebook-posts without dates)",
    min_value=1990,
    max_value=2100,
    value=None,
    step=1,
    key="year",
)
tz = right.text_input("Time zone of timestamps without one", value="UTC", key="tz")
date_format = left.text_input(
    "Date format (optional)",
    key="date_format",
    placeholder="%d/%m/%Y %H:%M",
    help="A strftime format for every timestamp column, for dates like 01/02/2017 "
    "whose day and month order the file cannot settle. Empty: detected per file "
    "and stated in the result.",
)
mapping = right.text_input(
    "Column mapping (optional)",
    key="mapping",
    placeholder="agent_id=assignee, created_at=sent_at",
    help="contract_column=source_column items, comma-separated, as `chi ingest --map` "
    "(e.g. agent_id=assignee: who on your side wrote each reply).",
)

if st.button("Import", type="primary", disabled=not uploads, key="import"):
    ui_upload.import_uploads(
        uploads or [],
        fmt,
        data_dir,
        brand=brand.strip() or None,
        channel=None if channel == DEFAULT_CHANNEL else channel,
        tz=tz.strip() or "UTC",
        year=int(year) if year is not None else None,
        date_format=date_format.strip() or None,
        mapping_text=mapping,
    )
