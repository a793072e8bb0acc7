"""The process's one public board (dashboard/views/public_shared.py): the public pages
and the JSON feed read the same object, a visitor's script run does no query work,
and new data shows once the data version is re-read.

Queries and connection builds are counted for real (tests/test_ui_cache.py's
`executed`: DuckDB still runs every query; only who asked is recorded).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.routing import Router
from streamlit.testing.v1 import AppTest

from dashboard.core.config import load_config
from dashboard.views import public_shared
from dashboard.views.public_shared import SharedBoards
from dashboard.web import api
from tests.conftest import write_rows
from tests.test_public import _conversation, rows, write
from tests.test_public_api import call  # the feed as a plain ASGI app
from tests.test_ui_cache import cold_caches, executed  # noqa: F401, F811 (fixtures)

PAGES = Path(__file__).resolve().parent.parent / "pages"


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    path = write(tmp_path / "data")
    monkeypatch.setenv("CHI_DATA", str(path))
    monkeypatch.setenv("CHI_PUBLIC", "1")
    monkeypatch.delenv("CHI_CONFIG", raising=False)
    public_shared.SHARED.clear()
    yield path
    public_shared.SHARED.clear()


def open_page(page: str, **params: str) -> AppTest:
    app = AppTest.from_file(str(PAGES / page), default_timeout=30)
    for key, value in params.items():
        app.query_params[key] = value
    app.run()
    assert not app.exception
    return app


def test_later_sessions_and_the_feed_run_no_query_for_the_board(data_dir, executed):  # noqa: F811
    open_page("board.py")  # the first visitor builds the board (and the connection)
    assert executed.queries and executed.connections == 1
    executed.reset()
    for _ in range(3):  # three more sessions
        open_page("board.py")
    feed = api.Feed()
    snap = feed.snapshot()
    assert executed.queries == [] and executed.connections == 0
    assert snap.board is public_shared.SHARED.board(data_dir, load_config(data_dir))


def test_a_brand_card_history_is_built_once_for_the_card_and_the_feed(data_dir, executed):  # noqa: F811
    open_page("brand_card.py", brand="acme")
    built = [e.view for e in executed.queries]
    assert "public_shared.SharedBoards.history" in built  # public.brand_history, via
    executed.reset()
    open_page("brand_card.py", brand="acme")
    status, _, _ = call(Router(routes=api.routes(api.Feed())), "/api/brands/acme.json")
    assert status == 200
    assert executed.queries == []


def test_new_data_shows_once_the_version_is_re_read(data_dir):
    config = load_config(data_dir)
    boards = SharedBoards(recheck_s=3600.0)  # never re-read within the test
    fresh = SharedBoards(recheck_s=0.0)  # re-read on every call
    before = boards.board(data_dir, config).find("acme")
    assert before is not None and before.n == 4  # a1..a4 on day 0 (tests/test_public.py)
    assert fresh.board(data_dir, config).find("acme").n == 4
    # one more Acme conversation on day 0, answered after 30 min: 4 + 1 = 5
    write_rows(data_dir, "interactions", rows() + _conversation("Acme", "a5", 0, 30, 0.5, "hi"))
    assert boards.board(data_dir, config).find("acme").n == 4  # not re-read yet
    assert fresh.board(data_dir, config).find("acme").n == 5


def test_a_config_change_shows_at_once(data_dir):
    boards = SharedBoards(recheck_s=3600.0)
    config = load_config(data_dir)
    assert boards.board(data_dir, config).find("globex") is not None
    text = (data_dir / "chi.toml").read_text()
    (data_dir / "chi.toml").write_text(text.replace('"Globex", ', ""))
    changed = load_config(data_dir)
    assert changed.fingerprint() != config.fingerprint()
    assert boards.board(data_dir, changed).find("globex") is None
