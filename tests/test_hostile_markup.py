"""Text from links and the data is shown as plain text (issue 18, item 5): a brand in
the link that is a Markdown link or bold, and brands, agent ids and a pseudonym in the
data that are HTML links or bold (tests/hostile_data.py), never render as markup in a
page's Markdown (st.markdown, st.caption, st.info, st.toast, ...) nor in a Plotly
figure's labels, hover texts, ticks, legend names or annotations."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.charts import consistency as charts_consistency
from dashboard.charts import engagement as charts_engagement
from dashboard.charts import happiness as charts_happiness
from dashboard.charts import overview as charts_overview
from dashboard.charts import people as charts_people
from dashboard.charts import public as charts_public
from dashboard.core import formatting
from dashboard.core.config import load_config
from dashboard.core.filters import Filters
from dashboard.data import connection
from dashboard.views import consistency, engagement, fairness, happiness, overview, people, public
from tests.hostile_data import (
    AGENT_BOLD,
    AGENT_EVIL,
    BOLD,
    BOLD_LINK,
    DAY,
    EVIL,
    PHISH,
    write_hostile_data,
)
from tests.markdown_text import autolinks, rendered, shown

PAGES = Path(__file__).resolve().parent.parent / "pages"
PRIVATE_PAGES = ("overview", "happiness", "engagement", "consistency", "people")
EVERY_PAGE = (*PRIVATE_PAGES, "board", "brand_card", "methodology")
MARKDOWN_ELEMENTS = ("markdown", "caption", "info", "warning", "error", "success", "toast")


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    path = write_hostile_data(tmp_path / "data")
    monkeypatch.setenv("CHI_DATA", str(path))
    monkeypatch.delenv("CHI_PUBLIC", raising=False)
    monkeypatch.delenv("CHI_CONFIG", raising=False)
    return path


def run(page: str, **params: str | list[str]) -> AppTest:
    app = AppTest.from_file(str(PAGES / f"{page}.py"), default_timeout=60)
    for key, value in {"from": DAY, "to": DAY, **params}.items():
        app.query_params[key] = value
    app.run()
    assert not app.exception
    return app


def markdown_bodies(app: AppTest) -> list[str]:
    """Every Markdown body of the run (main area and sidebar)."""
    return [e.value for name in MARKDOWN_ELEMENTS for e in getattr(app, name)]


def figure_strings(spec: object) -> Iterator[str]:
    """Every string in a figure's JSON (names, texts, hover texts, ticks, customdata,
    annotations, templates): walked, not searched in the serialised text, so an
    escaped quote cannot hide a tag."""
    if isinstance(spec, str):
        yield spec
    elif isinstance(spec, dict):
        for value in spec.values():
            yield from figure_strings(value)
    elif isinstance(spec, list | tuple):
        for value in spec:
            yield from figure_strings(value)


def page_figures(app: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")]


# ---- the helpers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [PHISH, BOLD_LINK, EVIL, BOLD, "# Heading", "1. item", "- item", "> quote", "a\n\n# b",
     "www.evil.example", "mail@evil.example", "$x^2$", ":red[alarm]", "`code`", "a|b", "~~x~~",
     "&amp;", "back\\slash", "_under_", "https://evil.example", "mailto:x@evil.example",
     "WWW.EVIL.EXAMPLE"],
)  # fmt: skip
def test_plain_markdown_shows_exactly_the_text_on_one_line(text):
    html = rendered(formatting.plain(text))
    # one paragraph of text: no link, emphasis, heading, list, quote, code or table
    assert html.startswith("<p>") and html.count("<p>") == 1
    for tag in ("<a", "<strong", "<em", "<h1", "<ol", "<ul", "<li", "<blockquote", "<code",
                "<table", "<del", "<s>"):  # fmt: skip
        assert tag not in html
    assert shown(formatting.plain(text)) == " ".join(text.split())
    # GitHub's autolinks (http://, www., a@b.c) are found in the text once read: broken
    assert autolinks(formatting.plain(text)) == []
    # Streamlit's LaTeX ($) and directives (:red[...]) need these unescaped: escaped
    assert not re.search(r"(?<!\\)[:$\[]", formatting.plain(text))


def test_plotly_label_escapes_tags_and_ampersands_only():
    assert formatting.label(EVIL) == '&lt;a href="http://evil.example/p"&gt;ClickMe&lt;/a&gt;'
    assert formatting.label("R&D <b>") == "R&amp;D &lt;b&gt;"
    assert formatting.label(BOLD) == BOLD  # Plotly has no Markdown: ** stays as typed
    assert formatting.labels(["<i>x</i>", None]) == ["&lt;i&gt;x&lt;/i&gt;", None]


# ---- a brand in the link ---------------------------------------------------------------


@pytest.mark.parametrize("page", PRIVATE_PAGES)
def test_a_brand_in_the_link_is_noticed_as_plain_text_never_as_a_link(data_dir, page):
    app = run(page, brand=[PHISH, BOLD_LINK])
    notices = [body for body in markdown_bodies(app) if "Ignored unknown brand" in shown(body)]
    assert len(notices) == 2  # the caption and the toast
    for body in notices:
        html = rendered(body)
        assert "<a" not in html and "<strong" not in html and 'evil.example/phish"' not in html
        # the visitor reads the link's text literally
        assert f"{PHISH}, {BOLD_LINK}" in shown(body)


def test_a_date_in_the_link_that_is_markup_is_quoted_as_plain_text(data_dir):
    app = run("overview", **{"from": PHISH})
    notice = next(b for b in markdown_bodies(app) if "Ignored 'from=" in shown(b))
    assert "<a" not in rendered(notice)
    assert f"Ignored 'from={PHISH}' from the link: not a date" in shown(notice)


# ---- names in the data -----------------------------------------------------------------


@pytest.mark.parametrize("page", EVERY_PAGE)
def test_names_in_the_data_render_as_text_in_every_page_element(data_dir, page):
    app = run(page)
    for body in markdown_bodies(app):
        html = rendered(body)
        assert "<a " not in html and "<strong>Bold</strong>" not in html, body
        assert autolinks(body) == [], body
        assert "<strong>Al</strong>" not in html, body
    for figure in page_figures(app):
        for text in figure_strings(figure):
            assert "<a " not in text, text


def test_pages_show_the_hostile_names_literally(data_dir):
    """The payloads reach the pages (the test above could not pass on empty pages)."""
    texts = [shown(b) for b in markdown_bodies(run("people"))]
    assert any(f"Colleagues' level at {BOLD}:" in t for t in texts)  # first brand
    assert any(f"{EVIL}: 1 community conversations" in t for t in texts)
    consistency_texts = [shown(b) for b in markdown_bodies(run("consistency"))]
    assert any(t.startswith(f"{BOLD}: consistency") for t in consistency_texts)
    happiness_strings = [s for f in page_figures(run("happiness")) for s in figure_strings(f)]
    assert formatting.label(EVIL) in happiness_strings  # a legend name, escaped
    assert BOLD in happiness_strings


def test_the_drilldown_names_the_conversation_and_brand_as_text(data_dir):
    app = run("happiness")
    line = next(b for b in markdown_bodies(app) if shown(b).startswith("Messages of"))
    assert "<a" not in rendered(line)
    # the newest conversation of the newest point: 1-p (BOLD, community) or 0-p
    assert shown(line).endswith("in the order the metrics read them:")
    assert BOLD in shown(line) or EVIL in shown(line)


# ---- every chart builder, on every option -----------------------------------------------


def every_figure(data_dir: Path):
    """Each chart builder of every page on the hostile data, in each of its modes."""
    config = load_config(data_dir)
    con = connection.connect(data_dir, config)
    day = Filters(dt.date(2025, 3, 3), dt.date(2025, 3, 3))
    yield charts_overview.overview_trend(overview.trend(con, config, day, "day"), config.min_n)
    for by in ("brand", "channel", "brand,channel"):
        trend = happiness.by_period(con, config, day, "day", by)
        yield charts_happiness.index_over_time(trend, config.min_n, "day")
        yield charts_happiness.components_heatmap(
            happiness.by_period(con, config, day, "all", by), config.min_n
        )
    moved = happiness.what_moved(con, config, day)
    yield charts_happiness.component_bars(moved)
    channels = consistency.by_channel(con, config, day)
    for metric in consistency.HEATMAP_METRICS:
        yield charts_consistency.heatmap(channels, metric, config.min_n)
    for brand in (EVIL, BOLD):
        rows = consistency.brand_channels(channels, brand)
        yield charts_consistency.channel_bars(rows, config.min_n, 0.0)
    yield charts_consistency.top_paths(consistency.top_paths(con, day, 10))
    view = engagement.fan_action(con, config, day)
    for channel in (None, *engagement.channels(view)):
        yield charts_engagement.fan_action_scatter(view, channel)
    for by_channel in (False, True):
        table = fairness.tab(con, config, day, by_channel).buckets
        yield charts_engagement.fairness_bars(table, config.min_n)
    board = people.leaderboard(con, config, day)
    for brand in board.brand_names():
        rows = board.for_brand(brand)
        yield charts_people.leaderboard(rows)
        yield charts_people.speed_vs_happiness(rows, board.brand_level(brand))
    shown_board = public.board(con, config)
    for score in shown_board.brands:
        yield charts_public.history_figure(public.brand_history(con, config, score.brand))


def test_no_chart_builder_puts_a_raw_tag_from_the_data_in_a_figure(data_dir):
    figures = list(every_figure(data_dir))
    assert len(figures) >= 20
    strings = [s for fig in figures for s in figure_strings(fig.to_plotly_json())]
    assert not [s for s in strings if "<a " in s or "<a>" in s]
    # the names are there, escaped: as tick labels, legend names and hover texts
    for name in (EVIL, AGENT_EVIL):
        assert any(formatting.label(name) in s for s in strings), name
    assert any(AGENT_BOLD in s for s in strings)
