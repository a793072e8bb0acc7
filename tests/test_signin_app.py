"""The app with sign-in on (AppTest, st.user set by the test as Streamlit sets it from
its cookie): the signed-out and no-role pages, the drill-down to message text only for
an analyst and recorded once, uploads only for an admin and recorded. The real
redirect flow is tests/test_signin_e2e.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.core import settings
from dashboard.data import audit, store
from tests.conftest import at, message, write_rows
from tests.markdown_text import shown

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard" / "app.py")
HAPPINESS = str(ROOT / "pages" / "happiness.py")
UPLOAD = str(ROOT / "pages" / "upload.py")
FIXTURES = ROOT / "tests" / "fixtures" / "ingest"
ROLES = """min_n = 1

[roles]
admin = ["root@example.com"]
analyst = ["claim:groups=chi-analysts"]
viewer = ["@example.com"]
"""
VIEWER = {"is_logged_in": True, "email": "vera@example.com", "sub": "u-vera"}
ANALYST = {
    "is_logged_in": True,
    "email": "anna@partner.org",
    "sub": "u-anna",
    "groups": ["chi-analysts"],
}
ADMIN = {"is_logged_in": True, "email": "root@example.com", "sub": "u-root"}


def conversations() -> list[dict]:
    """Two answered conversations of Acme on twitter, 3 and 4 March 2025."""
    return [
        message("parcel", "inbound", at(0), text="Where is my parcel? It never arrived."),
        message("parcel", "outbound", at(20), text="Sorry, we are on it."),
        message("refund", "inbound", at(0, days=1), text="Thanks for the quick refund!"),
        message("refund", "outbound", at(5, days=1), text="Glad we could help."),
    ]


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "data"
    write_rows(folder, "interactions", conversations())
    (folder / "chi.toml").write_text(ROLES)
    monkeypatch.setenv(settings.DATA, str(folder))
    monkeypatch.setenv(settings.SIGN_IN, "1")
    monkeypatch.delenv(settings.PUBLIC, raising=False)
    monkeypatch.delenv(settings.CONFIG, raising=False)
    return folder


def run(script: str, user: dict, **query: str) -> AppTest:
    app = AppTest.from_file(script, default_timeout=60)
    app.user = dict(user)
    for key, value in query.items():
        app.query_params[key] = value
    app.run()
    assert not app.exception
    return app


def message_tables(app: AppTest) -> list:
    return [t for t in app.dataframe if "direction" in t.value.columns]


def test_a_signed_out_visitor_gets_the_sign_in_page(data_dir):
    app = run(APP, {"is_logged_in": False})
    assert [t.value for t in app.title] == ["Sign in"]
    assert [b.label for b in app.button] == ["Sign in"]
    assert not app.get("plotly_chart")
    assert audit.read(data_dir) == []


def test_the_public_board_names_no_unpublished_brand_to_a_signed_out_visitor(data_dir):
    board = str(ROOT / "pages" / "board.py")
    signed_out = run(board, {"is_logged_in": False})
    assert [i.value for i in signed_out.info] == ["No brands are published on this board yet."]
    # a signed-in viewer is the operator's colleague: told which brands could be published
    viewer = run(board, VIEWER)
    assert any("Brands in your data: Acme." in i.value for i in viewer.info)


def test_someone_signed_in_without_a_role_is_told_whom_to_ask(data_dir):
    app = run(APP, {"is_logged_in": True, "email": "eve@elsewhere.net", "sub": "u-eve"})
    assert [t.value for t in app.title] == ["No access yet"]
    assert any("eve@elsewhere.net" in shown(m.value) and "[roles]" in m.value for m in app.markdown)
    assert any("(no role)" in c.value for c in app.sidebar.caption)


def test_a_viewer_lands_on_the_overview_and_sees_who_is_signed_in(data_dir):
    app = run(APP, VIEWER)
    assert [t.value for t in app.title] == ["Executive overview"]
    assert any(
        "vera@example.com" in shown(c.value) and "(viewer)" in c.value for c in app.sidebar.caption
    )
    assert [b.label for b in app.sidebar.button] == ["Sign out"]


def test_a_viewer_sees_no_conversations_and_is_told_why(data_dir):
    app = run(HAPPINESS, VIEWER, **{"from": "2025-03-03", "to": "2025-03-04"})
    assert not message_tables(app)
    assert not any(s.value == "Conversations behind a point" for s in app.subheader)
    assert any(
        "need the analyst role" in c.value
        and "vera@example.com with the viewer role" in shown(c.value)
        for c in app.caption
    )
    assert audit.read(data_dir) == []


def test_an_analyst_reads_the_messages_and_the_opening_is_recorded_once(data_dir):
    app = run(HAPPINESS, ANALYST, **{"from": "2025-03-03", "to": "2025-03-04", "grain": "day"})
    tables = message_tables(app)
    assert len(tables) == 1
    # the point picked first is the newest: 4 March, whose one conversation is refund
    assert list(tables[0].value["text"]) == ["Thanks for the quick refund!", "Glad we could help."]
    app.run()  # a rerun of the same view records nothing new
    lines = audit.read(data_dir)
    assert [(x["event"], x["who"], x["role"], x["conversation_id"]) for x in lines] == [
        ("message-text", {"email": "anna@partner.org", "sub": "u-anna"}, "analyst", "refund")
    ]


def test_without_sign_in_the_drilldown_is_open_and_nothing_is_recorded(data_dir, monkeypatch):
    monkeypatch.delenv(settings.SIGN_IN)
    app = run(HAPPINESS, {}, **{"from": "2025-03-03", "to": "2025-03-04", "grain": "day"})
    assert len(message_tables(app)) == 1
    assert not (data_dir / "audit").exists()


def _import_twcs(app: AppTest) -> AppTest:
    app.selectbox(key="format").set_value("twcs")
    name = "twcs_messy.csv"
    app.file_uploader(key="files").set_value([(name, (FIXTURES / name).read_bytes(), "text/csv")])
    app.run()
    app.button(key="import").click()
    app.run()
    assert not app.exception
    return app


def test_an_admin_upload_is_recorded_with_its_files_and_rows(data_dir):
    app = _import_twcs(run(UPLOAD, ADMIN))
    size = (FIXTURES / "twcs_messy.csv").stat().st_size
    [line] = audit.read(data_dir)
    # the same counts the upload page shows for this file (tests/test_ingest_page.py):
    # 11 rows read, 7 accepted, 3 rejected, 1 duplicate skipped
    assert line["event"] == "upload" and line["who"]["email"] == "root@example.com"
    assert line["role"] == "admin" and line["format"] == "twcs"
    assert line["files"] == [{"name": "twcs_messy.csv", "bytes": size}]
    assert (line["outcome"], line["rows_read"], line["accepted"]) == ("imported", 11, 7)
    assert (line["rejected"], line["duplicates_skipped"]) == (3, 1)
    assert any("Imported 7 rows" in s.value for s in app.success)


def test_an_upload_by_a_lesser_role_imports_nothing_even_past_the_menu(data_dir):
    before = store.parquet_files(data_dir, "interactions")
    app = _import_twcs(run(UPLOAD, ANALYST))  # the page opened directly, not by the router
    assert any("Uploads need the admin role" in e.value for e in app.error)
    assert store.parquet_files(data_dir, "interactions") == before
    assert audit.read(data_dir) == []
