"""Streamlit glue for the Upload page: the importer's progress on a progress bar, the
uploaded files handed to the importer, and its summary."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import streamlit as st

from dashboard.ingest import IngestSummary, ingest_files


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


def import_uploads(
    uploads: Sequence[Any], fmt: str, data_dir: Path, **options: Any
) -> IngestSummary:
    """Run the `chi ingest` importer on uploaded files (Streamlit UploadedFile objects),
    with a progress bar. Raises IngestError, like the importer, when nothing is imported."""
    with tempfile.TemporaryDirectory(prefix="chi-upload-") as tmp:
        paths = []
        for i, upload in enumerate(uploads):
            # keep only the file name: an uploaded name must not choose the folder
            folder = Path(tmp) / str(i)
            folder.mkdir()
            path = folder / (Path(upload.name).name or "upload")
            path.write_bytes(upload.getvalue())
            paths.append(path)
        return ingest_files(paths, fmt, data_dir, progress=StreamlitProgress(), **options)


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
