"""Upload data (private mode only): the `chi ingest` importer on uploaded exports,
with the same summary. New data shows on the other pages at their next load."""

import tempfile
from pathlib import Path

import streamlit as st

from dashboard.core.schema import CHANNELS
from dashboard.ingest import FORMATS, IngestError, IngestSummary, ingest_files
from dashboard.ui import shared as ui

DEFAULT_CHANNEL = "(the format's default)"


class StreamlitProgress:
    """The importer's stages on a Streamlit progress bar."""

    def __init__(self) -> None:
        self._bar = st.progress(0.0, text="Starting…")
        self._name, self._total, self._done = "", None, 0

    def stage(self, name: str, total: int | None = None) -> None:
        self._name, self._total, self._done = name, total, 0
        self._bar.progress(0.0, text=name.capitalize() + "…")

    def advance(self, n: int = 1) -> None:
        self._done += n
        if self._total:
            fraction = min(1.0, self._done / self._total)
            self._bar.progress(
                fraction, text=f"{self._name.capitalize()}: {self._done:,} of {self._total:,}"
            )


def show_summary(summary: IngestSummary) -> None:
    columns = st.columns(4)
    columns[0].metric("Rows read", f"{summary.rows_read:,}")
    columns[1].metric("Accepted", f"{summary.accepted:,}")
    columns[2].metric("Rejected", f"{summary.rejected_total:,}")
    columns[3].metric("Duplicates skipped", f"{summary.duplicates_skipped:,}")
    if summary.rejected:
        st.subheader("Rejected rows by reason")
        st.dataframe(
            [{"reason": r, "rows": n} for r, n in summary.rejected.most_common()], hide_index=True
        )
        for path in summary.rejects_files:
            st.download_button(
                f"Download {path.name}",
                path.read_bytes(),
                file_name=path.name,
                mime="text/csv",
                key=f"rejects-{path.name}",
            )
    st.code("\n".join(summary.lines()), language=None)


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
    list(FORMATS),
    key="format",
    format_func=lambda name: f"{name}: {FORMATS[name].description}",
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

if st.button("Import", type="primary", disabled=not uploads, key="import"):
    with tempfile.TemporaryDirectory(prefix="chi-upload-") as tmp:
        paths = []
        for i, upload in enumerate(uploads or []):
            # keep only the file name: an uploaded name must not choose the folder
            folder = Path(tmp) / str(i)
            folder.mkdir()
            path = folder / (Path(upload.name).name or "upload")
            path.write_bytes(upload.getvalue())
            paths.append(path)
        try:
            summary = ingest_files(
                paths,
                fmt,
                data_dir,
                brand=brand.strip() or None,
                channel=None if channel == DEFAULT_CHANNEL else channel,
                tz=tz.strip() or "UTC",
                year=int(year) if year is not None else None,
                progress=StreamlitProgress(),
            )
        except IngestError as exc:
            st.error(f"Nothing was imported: {exc}")
        except Exception as exc:  # never a traceback on the page
            st.error(f"Nothing was imported: unexpected {type(exc).__name__}: {exc}")
        else:
            st.success(
                f"Imported {summary.accepted:,} rows. The other pages show them at their next load."
            )
            show_summary(summary)
