"""The public pages (board, brand card, methodology) in Streamlit's AppTest: the numbers
render, nothing private appears, public mode names no brand that is not public."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.test_public import CONFIG, HIDDEN_INDEX, secrets, write

PAGES = Path(__file__).resolve().parent.parent / "pages"
TEXT_ELEMENTS = (
    "html",
    "markdown",
    "caption",
    "info",
    "title",
    "subheader",
    "code",
    "warning",
    "error",
)


def page_text(app: AppTest) -> str:
    """Every text the page shows, including HTML blocks and selectbox options."""
    parts = [str(e.value) for kind in TEXT_ELEMENTS for e in app.get(kind)]
    parts += [str(option) for box in app.selectbox for option in box.options]
    return "\n".join(parts)


def assert_public(text: str) -> None:
    for secret in secrets():
        assert secret not in text
    assert HIDDEN_INDEX not in text and "Secret Co" not in text


def run(page: str, **params: str) -> AppTest:
    app = AppTest.from_file(str(PAGES / page), default_timeout=30)
    for key, value in params.items():
        app.query_params[key] = value
    app.run()
    assert not app.exception
    return app


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    path = write(tmp_path / "data")
    monkeypatch.setenv("CHI_DATA", str(path))
    monkeypatch.delenv("CHI_CONFIG", raising=False)
    return path


@pytest.fixture(params=["private", "public"])
def mode(request, monkeypatch) -> str:
    monkeypatch.setenv("CHI_PUBLIC", "1" if request.param == "public" else "")
    return request.param


def test_board_shows_ranked_public_brands_and_nothing_private(data_dir, mode):
    app = run("board.py")
    text = page_text(app)
    assert "65.6" in text and "−19.4 pts" in text and "n = 4" in text
    assert "n&lt;3" in text  # Globex: suppressed, not zero
    assert text.index("Acme") < text.index("Globex") < text.index("Initech")
    assert_public(text)
    assert len(app.sidebar.children) == 0  # no private filters, in either mode


def test_board_with_an_empty_allowlist_explains_how_to_publish(data_dir, monkeypatch):
    (data_dir / "chi.toml").write_text(CONFIG.replace('"Acme", "Globex", "Initech"', ""))
    monkeypatch.setenv("CHI_PUBLIC", "")
    private = page_text(run("board.py"))
    assert "chi.toml" in private and "Secret Co" in private  # the operator sees their brands
    monkeypatch.setenv("CHI_PUBLIC", "1")
    public = page_text(run("board.py"))
    assert "No brands are published" in public
    assert "Secret Co" not in public and "Acme" not in public


def test_brand_card_shows_one_brand_with_its_history(data_dir, mode):
    app = run("brand_card.py", brand="acme")
    text = page_text(app)
    assert "65.6" in text and "rank 1 of 1" in text and "Mood" in text
    assert len(app.get("plotly_chart")) == 1
    assert_public(text)


def test_brand_card_of_a_suppressed_brand_says_not_enough_data(data_dir, mode):
    text = page_text(run("brand_card.py", brand="Globex"))
    assert "Not enough data" in text
    assert_public(text)


def test_brand_card_refuses_a_brand_that_is_not_public(data_dir, mode):
    app = run("brand_card.py", brand="Secret Co")
    text = page_text(app)
    assert "not on the public board" in text
    assert len(app.get("plotly_chart")) == 0
    assert_public(text)


def test_methodology_page_is_generated_from_the_config(data_dir, mode):
    text = page_text(run("methodology.py"))
    assert "Methodology version 1.0" in text and "**Minimum n:** 3" in text
    assert "| email | 24 h |" in text


def test_board_shows_its_movers_block_from_the_shared_feed(data_dir, mode):
    app = run("board.py")
    assert "Movers" in [s.value for s in app.subheader]
    text = page_text(app)
    # Acme (4 and 3 conversations) is the one public brand compared; its -19.4 is
    # within its interval, so there is no mover, and Secret Co is never asked for
    assert "(1 compared)" in text and "No clear mover" in text
    assert_public(text)
