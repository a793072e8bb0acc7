"""What the charts draw (issue 17): the Happiness lines (top brands, one real "all
others" aggregate, the peer median, the selected brand against its peers), partial
periods, the grain that coarsens with a notice, and the overview's headline."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import statistics
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.core.filters import Filters
from dashboard.views import happiness, happiness_lines, periods
from tests.conftest import at, message, write_rows
from tests.markdown_text import shown

PAGES = Path(__file__).resolve().parent.parent / "pages"
WEEK = Filters(dt.date(2025, 3, 3), dt.date(2025, 3, 9))  # Monday to Sunday


def answered(cid: str, brand: str, days: float = 0) -> list[dict]:
    return [
        message(cid, "inbound", at(0, days), brand=brand),
        message(cid, "outbound", at(10, days), brand=brand, author_id=brand.lower()),
    ]


def unanswered(cid: str, brand: str, days: float = 0) -> list[dict]:
    return [message(cid, "inbound", at(0, days), brand=brand)]


def three_brands() -> list[dict]:
    """A: 3 answered conversations (the largest). B: 2 answered. C: 1 unanswered.
    Without resolved flags, resolution is the proxy 'answered and not dropped':
    A 3/3, B 2/2 = 100, C 0/1 = 0."""
    rows = []
    for i in range(3):
        rows += answered(f"a{i}", "A")
    for i in range(2):
        rows += answered(f"b{i}", "B")
    rows += unanswered("c0", "C")
    return rows


def test_all_others_is_the_aggregate_of_the_other_brands_not_an_average(make_db, config):
    config = dataclasses.replace(config, min_n=1)
    con = make_db(three_brands(), cfg=config)
    lines = happiness_lines.brand_lines(con, config, WEEK, "week", top=1)
    assert lines.shown == ("A",) and lines.others == ("B", "C")
    others = lines.frame.filter(lines.frame["role"] == "others").row(0, named=True)
    # B and C together: 2 of 3 conversations resolved = 66.7, not (100 + 0) / 2 = 50
    assert others["conversations"] == 3
    assert others["resolution"] == pytest.approx(200 / 3)
    assert others["group"] == happiness_lines.OTHERS


def four_brands() -> list[dict]:
    """A selected; its peers B (2 answered), C (1 answered, 1 not), D (1 unanswered)."""
    rows = answered("a0", "A") + answered("b0", "B") + answered("b1", "B")
    rows += answered("c0", "C") + unanswered("c1", "C") + unanswered("d0", "D")
    return rows


def test_one_selected_brand_is_drawn_against_the_median_of_its_peers(make_db, config):
    config = dataclasses.replace(config, min_n=1)
    con = make_db(four_brands(), cfg=config)
    selected = dataclasses.replace(WEEK, brands=("A",))
    lines = happiness_lines.brand_lines(con, config, selected, "week")
    assert lines.highlighted and lines.shown == ("A",) and lines.peers == ("B", "C", "D")
    peer = lines.frame.filter(lines.frame["role"] == "peer").row(0, named=True)
    each = happiness.by_period(con, config, WEEK, "all", "brand")
    indices = {b: i for b, i in each.select("brand", "happiness_index").iter_rows()}
    # the median of three peer indices is the middle one; n is their 2 + 2 + 1 conversations
    assert peer["happiness_index"] == pytest.approx(
        statistics.median([indices["B"], indices["C"], indices["D"]])
    )
    assert (peer["peer_brands"], peer["conversations"]) == (3, 5)
    assert lines.frame.filter(lines.frame["role"] == "selected")["group"].to_list() == ["A"]


def test_peer_median_needs_three_peer_brands_over_min_n(make_db, config):
    # min n 2: of the peers only B (2) and C (2) reach it, D (1) does not
    config = dataclasses.replace(config, min_n=2)
    con = make_db(four_brands(), cfg=config)
    lines = happiness_lines.brand_lines(
        con, config, dataclasses.replace(WEEK, brands=("A",)), "week"
    )
    peer = lines.frame.filter(lines.frame["role"] == "peer").row(0, named=True)
    assert peer["happiness_index"] is None and peer["peer_brands"] == 2


def test_a_week_cut_by_the_selection_is_partial():
    # Wed 5 to Wed 12 March 2025: the week of 3 March keeps 5 of its 7 days (5-9),
    # the week of 10 March 3 (10-12)
    selection = Filters(dt.date(2025, 3, 5), dt.date(2025, 3, 12))
    import polars as pl

    frame = periods.with_partial(
        pl.DataFrame({"period_start": [dt.date(2025, 3, 3), dt.date(2025, 3, 10)]}),
        selection,
        "week",
    )
    assert frame["days_selected"].to_list() == [5, 3]
    assert frame["partial"].to_list() == [True, True]
    note = periods.partial_note(frame, "week")
    assert "03 Mar (5 of 7 days)" in note and "10 Mar (3 of 7 days)" in note


def test_a_whole_month_is_not_partial():
    import polars as pl

    frame = periods.with_partial(
        pl.DataFrame({"period_start": [dt.date(2024, 2, 1)]}),
        Filters(dt.date(2024, 2, 1), dt.date(2024, 2, 29)),  # a leap February: 29 days
        "month",
    )
    assert frame.row(0, named=True)["days_in_period"] == 29
    assert frame["partial"].to_list() == [False]


def test_the_grain_coarsens_when_a_selection_would_draw_too_many_points():
    year = Filters(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    # by day: 365 periods x 10 lines = 3,650 points (> 1,500, and 365 > 180 a line);
    # by week: 2024-12-30 to 2025-12-29 is 53 weeks x 10 = 530 points
    chosen = periods.chart_grain(year, "day", 10)
    assert (chosen.grain, chosen.asked_points, chosen.points) == ("week", 3650, 530)
    assert "3,650 points" in chosen.notice
    # a month by day for 10 lines: 31 x 10 = 310 points, kept
    assert (
        periods.chart_grain(Filters(dt.date(2025, 1, 1), dt.date(2025, 1, 31)), "day", 10).notice
        is None
    )


@pytest.fixture
def app_data(tmp_path, monkeypatch):
    def write(rows: list[dict], toml: str = "min_n = 1\n") -> Path:
        data_dir = tmp_path / "data"
        write_rows(data_dir, "interactions", rows)
        (data_dir / "chi.toml").write_text(toml)
        monkeypatch.setenv("CHI_DATA", str(data_dir))
        return data_dir

    return write


def chart(app: AppTest, i: int = 0) -> dict:
    return json.loads(app.get("plotly_chart")[i].proto.spec)


def page(name: str, **params: str) -> AppTest:
    app = AppTest.from_file(str(PAGES / f"{name}.py"), default_timeout=60)
    for key, value in params.items():
        app.query_params[key] = value
    app.run()
    assert not app.exception
    return app


def test_happiness_page_shows_the_peer_median_with_one_brand_selected(app_data):
    app_data(four_brands())
    app = page("happiness", brand="A", **{"from": "2025-03-03", "to": "2025-03-09"})
    names = [t["name"] for t in chart(app)["data"]]
    assert names == ["A", "Peer median"]
    assert any("A highlighted; the peer median" in c.value for c in app.caption)


def test_happiness_page_sums_the_smaller_brands_into_all_others(app_data):
    # ten brands, brand k with k + 1 conversations: the 8 largest (J down to C) are
    # drawn, A (1) and B (2) are one line of 3 conversations
    rows = []
    for k, brand in enumerate("ABCDEFGHIJ"):
        for i in range(k + 1):
            rows += answered(f"{brand}{i}", brand)
    app_data(rows)
    app = page("happiness", **{"from": "2025-03-03", "to": "2025-03-09"})
    traces = {t["name"]: t for t in chart(app)["data"]}
    assert list(traces) == [*"JIHGFEDC", "All other brands", "Peer median"]
    assert traces["All other brands"]["customdata"][0][0] == 3


def test_happiness_page_coarsens_a_year_by_day_with_a_notice(app_data):
    app_data(answered("a", "A") + answered("b", "A", days=300))
    # 2 Mar to 30 Dec: 304 days, more than 180 a line by day; 45 weeks
    app = page("happiness", grain="day", **{"from": "2025-03-02", "to": "2025-12-30"})
    assert any(i.value.startswith("Shown by week, not by day") for i in app.info)


def test_overview_leads_with_the_index_and_says_what_moved_it_with_n(app_data):
    # Monday 3 March: 2 conversations, one answered; Tuesday 4 March: 4, all answered
    rows = answered("a0", "A") + unanswered("a1", "A")
    for i in range(4):
        rows += answered(f"b{i}", "A", days=1)
    app_data(rows)
    app = page("overview", **{"from": "2025-03-04", "to": "2025-03-04"})
    assert app.metric[0].label == "Happiness index"
    assert [m.label for m in app.metric[1:5]] == [
        "Conversations",
        "Response rate",
        "Median response",
        "Within target",
    ]
    said = [shown(m.value) for m in app.markdown if "The index" in shown(m.value)]
    # 3 March: speed 1/2 = 50, resolution (proxy) 1/2 = 50, effort 2/2 = 100, no mood or
    # ratings; with the default weights of those three the index is 60.0. 4 March: every
    # component 100. Speed and resolution carry the 40 points, 20 each.
    assert said[0].startswith(
        "The index rose 40.0 points to 100.0 (n = 4 conversations) from 60.0 (n = 2), "
        "mostly speed +20.0 and resolution +20.0."
    )


def test_overview_one_day_draws_a_bar_on_a_readable_week_wide_axis(app_data):
    from tests.test_overview import two_weeks

    app_data(two_weeks())
    app = page("overview", grain="day", **{"from": "2025-03-10", "to": "2025-03-10"})
    axis = chart(app)["layout"]["xaxis"]
    assert axis["tickvals"] == ["2025-03-10"]
    low, high = (dt.datetime.fromisoformat(v) for v in axis["range"])
    assert high - low == dt.timedelta(days=7)  # 3.5 days either side of the day


def test_overview_marks_partial_weeks(app_data):
    from tests.test_overview import two_weeks

    app_data(two_weeks())  # conversations on Monday 3 and Monday 10 March
    # 3 to 10 March by week: the week of 3 March is whole, the week of 10 March has
    # 1 of its 7 days in the selection
    app = page("overview", grain="week", **{"from": "2025-03-03", "to": "2025-03-10"})
    assert any(
        c.value == "Partial week (the selection covers only part of it, marked "
        "hatched or hollow): 10 Mar (1 of 7 days)."
        for c in app.caption
    )
    bars = chart(app)["data"][0]
    assert bars["marker"]["pattern"]["shape"] == ["", "/"]


def test_log_ticks_are_labelled_in_full_never_as_bare_digits():
    from dashboard.charts.base import log_ticks

    # rates from 0.003% to 0.37%: the 1-2-5 ticks of the decades 0.001-1 within a factor
    # 2.5 of the data (0.0012 to 0.925): 0.002 ... 0.5
    ticks = log_ticks([0.003, 0.021, 0.368], percent=True)
    assert ticks["ticktext"] == [
        "0.002%",
        "0.005%",
        "0.01%",
        "0.02%",
        "0.05%",
        "0.1%",
        "0.2%",
        "0.5%",
    ]
    # followers 40,000 to 4.7 million, compact: decades only, within 16,000 to 11.7
    # million (a factor 2.5 out): 100k, 1M, 10M (10k is below 16,000)
    followers = log_ticks([40_000, 4_665_332], compact=True)
    assert followers["ticktext"] == ["100k", "1M", "10M"]


def test_the_switched_tile_says_its_figure_is_a_gap_to_single_channel():
    from dashboard.views import consistency

    assert consistency.gap_text(-5.6) == "-5.6 pts vs single channel"
    assert consistency.gap_text(None) is None


def test_the_consistency_heatmap_names_every_channel():
    import polars as pl

    from dashboard.charts import consistency as charts_consistency

    channels = ["chat", "email", "facebook", "instagram", "phone", "twitter"]
    frame = pl.DataFrame(
        {
            "brand": ["A"] * 6,
            "channel": channels,
            "happiness_index": [60.0] * 6,
            "conversations": [30] * 6,
        }
    )
    axis = charts_consistency.heatmap(frame, "happiness_index", 20).layout.xaxis
    assert list(axis.ticktext) == channels and axis.tickmode == "array"


def test_the_headline_names_the_latest_alert_with_its_n():
    import polars as pl

    from dashboard.views import headline

    found = pl.DataFrame(
        {
            "day": [dt.date(2025, 12, 28), dt.date(2025, 11, 26)],
            "brand": ["Riverbend Rail", "Aurora"],
            "channel": ["twitter", None],
            "metric": ["mood", "volume"],
            "value": [69.9, 29.0],
            "expected": [47.7, 14.0],
            "n": [1022, 29],
        }
    )
    assert headline._alerts_text(found) == (
        " 2 alerts (days a series broke its pattern); the latest: 28 Dec, Riverbend Rail, "
        "twitter, mood 69.9 against 47.7 expected (n = 1,022)."
    )
    assert headline._alerts_text(found.head(0)) == ""
