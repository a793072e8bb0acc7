"""The upload page: private mode only, the same importer and summary as `chi ingest`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.core.config import load_config
from dashboard.data import connection, store
from dashboard.ingest import FORMATS
from tests.markdown_text import shown

PAGE = Path(__file__).resolve().parent.parent / "pages" / "upload.py"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ingest"


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("CHI_DATA", str(tmp_path / "data"))
    monkeypatch.delenv("CHI_PUBLIC", raising=False)
    return tmp_path / "data"


def page() -> AppTest:
    app = AppTest.from_file(str(PAGE), default_timeout=60)
    app.run()
    assert not app.exception
    return app


def upload(app: AppTest, name: str, fmt: str, brand: str = "") -> AppTest:
    app.selectbox(key="format").set_value(fmt)
    app.text_input(key="brand").set_value(brand)
    app.file_uploader(key="files").set_value([(name, (FIXTURES / name).read_bytes(), "text/csv")])
    app.run()
    app.button(key="import").click()
    app.run()
    assert not app.exception
    return app


def test_upload_page_offers_every_format(data_dir):
    app = page()
    assert app.selectbox(key="format").options == [
        f"{name}: {f.description}" for name, f in FORMATS.items()
    ]
    assert app.button(key="import").disabled  # nothing uploaded yet


def test_upload_page_imports_and_shows_the_summary(data_dir):
    app = upload(page(), "twcs_messy.csv", "twcs")
    metrics = {m.label: m.value for m in app.metric}
    assert metrics == {
        "Rows read": "11",
        "Accepted": "7",
        "Rejected": "3",
        "Duplicates skipped": "1",
    }
    assert "column 'inbound': not true/false" in app.dataframe[0].value["reason"].tolist()
    assert any("Imported 7 rows" in s.value for s in app.success)
    assert store.has_data(data_dir)


def test_upload_page_stores_the_rollups_after_importing(data_dir):
    app = upload(page(), "twcs_messy.csv", "twcs")
    assert any(c.value.startswith("rollups: conversation_facts: rebuilt") for c in app.caption)
    con = connection.connect(data_dir, load_config(data_dir))
    assert connection.rollup_status(con).source == connection.STORED


def test_upload_page_shows_a_fatal_problem_as_an_error_not_a_traceback(data_dir):
    app = upload(page(), "tickets_mixed.csv", "tickets")  # no brand given
    assert [shown(e.value) for e in app.error] == [  # file names escaped: the text shown
        "Nothing was imported: tickets_mixed.csv: the file has no brand column (Brand, "
        "Company); give the brand with --brand"
    ]
    assert not store.has_data(data_dir)


def test_upload_page_is_disabled_in_public_mode(data_dir, monkeypatch):
    monkeypatch.setenv("CHI_PUBLIC", "1")
    app = page()
    assert [e.value for e in app.error] == ["Uploads are disabled in public mode."]
    assert not app.file_uploader


def test_upload_page_warns_that_speed_is_unavailable_without_creation_times(data_dir):
    # tickets_mixed.csv: 8 tickets, 3 accepted (1, 2 and 8), none with a creation time
    app = upload(page(), "tickets_mixed.csv", "tickets", brand="Acme")
    assert [shown(w.value) for w in app.warning] == [
        "Speed unavailable for 3 tickets: the file has no creation time (first response "
        "cannot be measured); each opening is stored at its first response with "
        "time_known = false"
    ]
    assert "Dates read as ISO 8601." in [shown(c.value) for c in app.caption]


def test_upload_page_passes_the_date_format_to_the_importer(data_dir, tmp_path):
    app = page()
    app.text_input(key="date_format").set_value("%d/%m/%Y %H:%M")
    app.selectbox(key="format").set_value("csv")
    body = (
        "interaction_id,conversation_id,brand,channel,direction,author_id,created_at\n"
        "m1,c1,Acme,chat,inbound,u1,01/02/2017 09:22\n"
    )
    app.file_uploader(key="files").set_value([("eu.csv", body.encode(), "text/csv")])
    app.run()
    app.button(key="import").click()
    app.run()
    assert not app.exception
    assert "Dates read as %d/%m/%Y %H:%M (--date-format)." in [shown(c.value) for c in app.caption]
    rows = pl.read_parquet(data_dir / "interactions" / "**" / "*.parquet")
    assert rows["created_at"].to_list() == [dt.datetime(2017, 2, 1, 9, 22, tzinfo=dt.UTC)]


def test_upload_page_column_mapping_fills_agent_id_from_an_assignee_column(data_dir, tmp_path):
    csv = (
        "interaction_id,conversation_id,brand,channel,direction,author_id,created_at,assignee\n"
        "m1,c1,Acme,chat,inbound,cust-1,2025-03-03T09:00:00Z,\n"
        "m2,c1,Acme,chat,outbound,acme,2025-03-03T09:02:00Z,Priya S.\n"
    )
    app = page()
    app.selectbox(key="format").set_value("csv")
    app.text_input(key="mapping").set_value("agent_id=assignee")
    app.file_uploader(key="files").set_value([("assigned.csv", csv.encode(), "text/csv")])
    app.run()
    app.button(key="import").click()
    app.run()
    assert not app.exception
    stored = pl.read_parquet(store.parquet_files(data_dir, "interactions")).sort("interaction_id")
    # the agent as given (not pseudonymised), on the reply only
    assert stored["agent_id"].to_list() == [None, "Priya S."]
