"""The router: every page reachable, and a failing page shows a message, not a traceback."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.conftest import write_rows
from tests.test_overview import two_weeks

APP = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"


def test_a_page_that_fails_shows_a_plain_message_not_a_traceback(tmp_path, monkeypatch):
    data_dir = tmp_path / "data"
    write_rows(data_dir, "interactions", two_weeks())
    # a parquet file that is not parquet: reading the data fails inside the page
    broken = data_dir / "interactions" / "month=2025-03" / "part-broken.parquet"
    broken.write_bytes(b"this is not parquet")
    monkeypatch.setenv("CHI_DATA", str(data_dir))
    app = AppTest.from_file(str(APP), default_timeout=60)
    app.run()
    assert not app.exception
    assert any("could not be shown" in e.value for e in app.error)
