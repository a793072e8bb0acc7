"""Streamlit glue of the upload page (private mode only): the `chi ingest` importer on
uploaded files with a progress bar and the same summary, then the explicit rollup
step, as `chi ingest` runs it after writing."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

import streamlit as st

from dashboard.core import access, formatting
from dashboard.data import audit, rollup
from dashboard.ingest import FORMATS, IngestError, IngestSummary, ingest_files, readers
from dashboard.ui import access as ui_access
from dashboard.ui import shared as ui

__all__ = [
    "FORMATS",
    "StreamlitProgress",
    "format_label",
    "import_uploads",
    "mapping_from_text",
    "show_summary",
]


def format_label(name: str) -> str:
    return f"{name}: {FORMATS[name].description}"


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
    # what changes the meaning of the figures comes first: a metric unavailable for some
    # rows, rejected rows skewed on a field a metric uses
    for warning in summary.warnings:
        # ingest's sentences name files, columns and values of the upload: plain text
        st.warning(formatting.plain(warning[:1].upper() + warning[1:]))
    for line in summary.dates:
        st.caption(formatting.plain(line[:1].upper() + line[1:] + "."))
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
                f"Download {formatting.plain(path.name)}",
                path.read_bytes(),
                file_name=path.name,
                mime="text/csv",
                key=f"rejects-{path.name}",
            )
    st.code("\n".join(summary.lines()), language=None)


def mapping_from_text(text: str | None) -> dict[str, str]:
    """The upload page's column mapping, `COLUMN=SOURCE` items separated by commas or
    new lines (as `chi ingest --map`: `agent_id=assignee, created_at=sent_at`); raises
    IngestError on an item that is not COLUMN=SOURCE."""
    items = [i.strip() for i in re.split(r"[,\n]", text or "") if i.strip()]
    return readers.parse_mapping(items)


def import_uploads(
    uploads: list[Any], fmt: str, data_dir: Path, mapping_text: str = "", **options: Any
) -> None:
    """Import the uploaded files into `data_dir` and show the outcome; `options` are
    ingest_files' (brand, channel, tz, year, date_format); `mapping_text` the column
    mapping (mapping_from_text, as --map). Then store the rollups.
    Only for a role that may upload (access.UPLOAD); with sign-in on, nothing is
    imported unless the audit log can record it, and each upload is recorded."""
    if not ui_access.allows(access.UPLOAD):
        st.error(f"Uploads need the {access.UPLOAD.label} role.")
        return
    if ui_access.current().sign_in:
        try:
            audit.check_writable(data_dir)
        except audit.AuditError as exc:
            st.error(
                "Nothing was imported: uploads are recorded in the audit log, and "
                + formatting.plain(exc)
            )
            return
    files = [{"name": Path(u.name).name, "bytes": u.size} for u in uploads]
    try:
        mapping = mapping_from_text(mapping_text)
    except IngestError as exc:
        st.error(f"Nothing was imported: {formatting.plain(exc)}")
        return
    if mapping:
        options = {**options, "mapping": mapping}
    with tempfile.TemporaryDirectory(prefix="chi-upload-") as tmp:
        paths = []
        for i, upload in enumerate(uploads):
            # keep only the file name: an uploaded name must not choose the folder
            folder = Path(tmp) / str(i)
            folder.mkdir()
            path = folder / (Path(upload.name).name or "upload")
            path.write_bytes(upload.getvalue())
            paths.append(path)
        try:
            summary = ingest_files(paths, fmt, data_dir, progress=StreamlitProgress(), **options)
        except IngestError as exc:
            _record_upload(fmt, files, outcome="nothing imported", error=str(exc))
            st.error(f"Nothing was imported: {formatting.plain(exc)}")
            return
        except Exception as exc:  # never a traceback on the page
            _record_upload(fmt, files, outcome="nothing imported", error=type(exc).__name__)
            st.error(
                f"Nothing was imported: unexpected {type(exc).__name__}: {formatting.plain(exc)}"
            )
            return
    _record_upload(
        fmt,
        files,
        outcome="imported",
        rows_read=summary.rows_read,
        accepted=summary.accepted,
        rejected=summary.rejected_total,
        duplicates_skipped=summary.duplicates_skipped,
    )
    st.success(f"Imported {summary.accepted:,} rows. The other pages show them at their next load.")
    show_summary(summary)
    store_rollups(data_dir)


def _record_upload(fmt: str, files: list[dict[str, Any]], **outcome: Any) -> None:
    """The upload's line in the audit log (sign-in on); a write that fails now, after
    the check before the import, is said on the page and in the server log."""
    try:
        ui_access.record("upload", format=fmt, files=files, **outcome)
    except audit.AuditError as exc:
        st.warning(f"This upload could not be recorded in the audit log: {formatting.plain(exc)}")


def store_rollups(data_dir: Path) -> None:
    """The explicit rollup step after writing; a failure leaves the import in place
    (the pages then compute what is stale in memory)."""
    try:
        with st.spinner("Updating the rollups…"):
            report = rollup.refresh(data_dir, ui.current_config())
    except rollup.RollupError as exc:
        st.warning(
            f"The rollups were not stored ({formatting.plain(exc)}); "
            "the pages compute them in memory."
        )
        return
    except Exception as exc:  # e.g. an unreadable file elsewhere in the data dir
        st.warning(
            f"The rollups were not stored ({type(exc).__name__}: {formatting.plain(exc)}); "
            "the pages compute them in memory."
        )
        return
    st.caption(report.summary())
