"""Downloads: every view's 'Download CSV' holds what it shows (readable headers with
units, rounded as displayed, n and interval columns, formula-safe text) under a name
that says the view, period, filters and as-of day; charts carry their title, period
and filters into a saved PNG or SVG; the board downloads as CSV and JSON."""

from __future__ import annotations

import datetime as dt
import json

import plotly.graph_objects as go
import polars as pl
from streamlit.testing.v1 import AppTest

from dashboard.charts import export as chart_export
from dashboard.core.filters import Filters
from dashboard.views import export_frames, exports
from dashboard.views.overview import Kpi
from tests.downloads import downloads, rows
from tests.test_overview import PAGES, app_data

__all__ = ["app_data", "downloads"]  # fixtures used by name below

BLUEBIRD = Filters(dt.date(2025, 9, 3), dt.date(2025, 12, 1), brands=("Bluebird Bank",))


def test_file_name_says_view_period_filters_and_as_of():
    name = exports.file_name("happiness_by_channel", BLUEBIRD, dt.date(2025, 12, 31))
    assert name == (
        "happiness_by_channel_2025-09-03_to_2025-12-01_brand-bluebird-bank_asof-2025-12-31.csv"
    )


def test_file_name_names_channels_a_time_zone_other_than_utc_and_view_settings():
    filters = Filters(
        dt.date(2025, 3, 1), dt.date(2025, 3, 31), ("A&B Co",), ("twitter",), "Europe/Paris"
    )
    name = exports.file_name(
        "overview_trend", filters, dt.date(2025, 4, 2), "svg", {"grain": "week"}
    )
    assert name == (
        "overview_trend_2025-03-01_to_2025-03-31_brand-a-b-co_channel-twitter_"
        "tz-europe-paris_grain-week_asof-2025-04-02.svg"
    )


def test_readable_names_carry_units_and_intervals():
    assert exports.readable_name("happiness_index") == "Happiness index (0-100)"
    assert exports.readable_name("happiness_index_ci_low") == "Happiness index 95% CI low (0-100)"
    assert exports.readable_name("speed_ci_high") == "Speed 95% CI high (% within target)"
    assert exports.readable_name("conversations") == "n (conversations)"
    assert exports.readable_name("median_first_response_s") == "Median first response (s)"
    assert exports.readable_name("share_pct") == "Share (%)"
    assert exports.readable_name("Index now") == "Index now"  # already readable


def test_csv_rounds_as_displayed_and_keeps_text_safe():
    frame = pl.DataFrame(
        {
            "brand": ['=HYPERLINK("http://x")', "Acme"],
            "happiness_index": [2.065196843470424, 70.0],
            "conversations": [3, 40],
        }
    )
    lines = exports.csv_bytes(frame).decode().splitlines()
    assert lines[0] == "Brand,Happiness index (0-100),n (conversations)"
    # 2.0651... shows as 2.1 on the page; a whole 70.0 prints as 70
    assert lines[1] == '"\'=HYPERLINK(""http://x"")",2.1,3'  # quoted: it holds quotes
    assert lines[2] == "Acme,70,40"


def test_per_column_decimals_follow_the_table_formats():
    assert exports.format_places("%.1f%%") == 1
    assert exports.format_places("%+.2f") == 2
    assert exports.format_places("localized") == 0
    assert exports.format_places(None) is None
    frame = pl.DataFrame({"q": [0.012345], "ratio": [1.23456], "other": [9.87654]})
    body = exports.csv_bytes(frame, places={"q": 4, "ratio": 2}).decode().splitlines()
    assert body[1] == "0.0123,1.23,9.9"  # 'other' has no format: one decimal


def test_index_table_leaves_a_group_under_min_n_empty_but_keeps_its_n():
    frame = pl.DataFrame(
        {
            "brand": ["Acme", "Globex"],
            "conversations": [25, 4],
            "happiness_index": [61.25, 80.0],
            "happiness_index_ci_low": [55.0, 40.0],
            "happiness_index_ci_high": [67.5, 100.0],
            "mood_sentiment_sum": [3.0, 1.0],  # a model sum: not shown, not exported
        }
    )
    table = exports.index_table(frame, min_n=20)
    assert table.columns == [
        "brand",
        "conversations",
        "below_min_n",
        "happiness_index",
        "happiness_index_ci_low",
        "happiness_index_ci_high",
    ]
    assert table.row(1) == ("Globex", 4, True, None, None, None)
    assert table.row(0) == ("Acme", 25, False, 61.25, 55.0, 67.5)


def test_kpi_frame_keeps_a_count_under_min_n_and_blanks_a_rate():
    def kpi(label: str, value: float, unit: str, n: int) -> Kpi:
        return Kpi(label, value, 1.0, unit, True, "", n, 30, "conversations", 20, 0.5, 0.9)

    frame = export_frames.kpi_frame(
        [kpi("Conversations", 4, "count", 4), kpi("Response rate", 75.0, "pct", 4)]
    )
    assert frame.row(0)[:3] == ("Conversations", "count", 4.0)
    # a rate over 4 conversations (< min n 20) is "not enough data": empty, n kept
    assert frame.row(1)[:6] == ("Response rate", "%", None, None, None, 4)


def test_titled_chart_draws_title_and_period_and_gives_its_legend_room():
    fig = go.Figure([go.Scatter(x=[1, 2], y=[3, 4], name=f"line {i}") for i in range(8)])
    fig.update_layout(height=380, legend={"orientation": "h", "y": -0.15})
    subtitle = ("1 Mar 2025 – 31 Mar 2025 (UTC)", "<i>Acme</i> · all channels")
    titled = chart_export.titled(fig, "Happiness <b>index</b>", subtitle)
    assert titled.layout.title.text == "Happiness &lt;b&gt;index&lt;/b&gt;"  # text, not markup
    assert titled.layout.title.subtitle.text == (
        "1 Mar 2025 – 31 Mar 2025 (UTC)<br>&lt;i&gt;Acme&lt;/i&gt; · all channels"
    )
    # 8 legend entries at 6 a row: 2 rows of 22 px under the plot, anchored to the bottom
    assert titled.layout.margin.b == 40 + 2 * 22
    assert titled.layout.legend.yref == "container" and titled.layout.legend.y == 0
    # and 30 px + 16 px a subtitle line over it for the title
    assert titled.layout.height == 380 + 30 + 2 * 16 + 2 * 22
    assert fig.layout.title.text is None  # the page's figure is not changed


def test_camera_button_saves_the_named_file_in_the_chosen_format():
    config = chart_export.image_config("overview_trend_2025-03-01_to_2025-03-31", "svg", 464)
    options = config["toImageButtonOptions"]
    assert options["format"] == "svg" and options["filename"].endswith("2025-03-31")
    assert (options["width"], options["height"]) == (1200, 464)
    assert chart_export.image_config("x", "gif", None)["toImageButtonOptions"]["format"] == "png"


# --- the pages ---------------------------------------------------------------------


def overview(app_data, query: dict[str, str], min_n: int = 1) -> AppTest:
    (app_data / "chi.toml").write_text(f"min_n = {min_n}\n")
    app = AppTest.from_file(str(PAGES / "overview.py"), default_timeout=60)
    for key, value in query.items():
        app.query_params[key] = value
    app.run()
    assert not app.exception
    return app


def test_overview_offers_its_kpis_and_trend_as_csv(app_data, downloads):
    app = overview(app_data, {"from": "2025-03-03", "to": "2025-03-10", "grain": "day"})
    labels = [b.proto.label for b in app.get("download_button")]
    # the tiles and the trend; no alert and no clear mover here: no empty file to save
    assert labels.count("Download CSV") == 2
    kpis = rows(downloads["overview_kpis_2025-03-03_to_2025-03-10_asof-2025-03-10.csv"])
    by_name = {r["KPI"]: r for r in kpis}
    # 6 conversations: a, b on 3 Mar; c, d, e, f on 10 Mar
    assert by_name["Conversations"]["Value"] == "6" and by_name["Conversations"]["n"] == "6"
    # answered: a (30 min), c (10), d (20), e (90), f (3 days); b never: 5 of 6 = 83.333 %
    rate = by_name["Response rate"]
    assert (rate["Value"], rate["Unit"], rate["n"]) == ("83.3", "%", "6")
    assert float(rate["Value 95% CI low"]) < 83.3 < float(rate["Value 95% CI high"])
    # median first response of 1800, 600, 1200, 5400, 259200 s = 1800 s exactly, read
    # from the response-time sketch (alpha 0.01, docs/METRICS.md "Percentiles"): 1800 s
    # is in bucket ceil(ln 1800 / ln gamma) = ceil(7.495542 / 0.0200007) = ceil(374.77)
    # = 375, reported as 0.99 x gamma^375 = 0.99 x e^(375 x 0.0200007) = 0.99 x 1808.5
    # = 1790.4 s (0.53 % under the exact median, within +-1 %)
    median = by_name["Median response"]
    assert (median["Value"], median["Unit"], median["n"]) == ("1790.4", "s", "5")
    trend = rows(downloads["overview_trend_2025-03-03_to_2025-03-10_grain-day_asof-2025-03-10.csv"])
    assert [(r["Period start"], r["n (conversations)"]) for r in trend] == [
        ("2025-03-03", "2"),
        ("2025-03-10", "4"),
    ]
    # 3 Mar: a answered within the 1 h twitter target, b never (not within it): 1 of 2
    assert trend[0]["Speed (% within target)"] == "50"
    # 10 Mar: c (10 min) and d (20 min) within 1 h, e (90 min) and f (3 days) not: 50
    assert trend[1]["Speed (% within target)"] == "50"
    assert "Happiness index 95% CI low (0-100)" in trend[0]
    assert not any(k.endswith("_sum") or k.startswith("cov_") for k in trend[0])


def test_overview_csv_says_not_enough_data_under_min_n(app_data, downloads):
    overview(app_data, {"from": "2025-03-03", "to": "2025-03-10", "grain": "day"}, min_n=20)
    kpis = {r["KPI"]: r for r in rows(next(v for k, v in downloads.items() if "kpis" in k))}
    rate = kpis["Response rate"]  # 6 conversations < 20: no figure, the n stays
    assert (rate["Value"], rate["n"], rate["Under min n (not enough data)"]) == ("", "6", "true")
    assert kpis["Conversations"]["Value"] == "6"  # a count is its own n


def test_board_downloads_as_csv_and_json(tmp_path, monkeypatch, downloads):
    from tests.test_public import write

    data_dir = write(tmp_path / "data")
    monkeypatch.setenv("CHI_DATA", str(data_dir))
    monkeypatch.delenv("CHI_CONFIG", raising=False)
    app = AppTest.from_file(str(PAGES / "board.py"), default_timeout=60)
    app.run()
    assert not app.exception
    name = "public_board_2025-03-01_to_2025-03-30_asof-2025-03-30"
    board = rows(downloads[f"{name}.csv"])
    assert [r["Brand"] for r in board] == ["Acme", "Globex", "Initech"]
    # Acme: 65.625 -> 65.6 as on the board (tests/test_public.py shows the sum)
    assert board[0]["Happiness index (0-100)"] == "65.6"
    assert board[1]["Happiness index (0-100)"] == ""  # Globex suppressed
    feed = json.loads(downloads[f"{name}.json"])
    assert [b["brand"] for b in feed["brands"]] == ["Acme", "Globex", "Initech"]
    assert feed["period"] == {"from": "2025-03-01", "to": "2025-03-30", "days": 30}


def test_happiness_page_exports_its_trend_components_and_what_moved(app_data, downloads):
    (app_data / "chi.toml").write_text("min_n = 1\n")
    app = AppTest.from_file(str(PAGES / "happiness.py"), default_timeout=60)
    app.query_params["from"], app.query_params["to"] = "2025-03-03", "2025-03-10"
    app.query_params["grain"] = "day"
    app.run()
    assert not app.exception
    names = sorted(downloads)
    assert names == [
        "happiness_by_brand_2025-03-03_to_2025-03-10_grain-day_asof-2025-03-10.csv",
        "happiness_components_by_brand_2025-03-03_to_2025-03-10_asof-2025-03-10.csv",
        "happiness_what_moved_2025-03-03_to_2025-03-10_asof-2025-03-10.csv",
    ]
    trend = rows(downloads[names[0]])
    assert [(r["Brand"], r["Period start"], r["n (conversations)"]) for r in trend] == [
        ("Acme", "2025-03-03", "2"),
        ("Acme", "2025-03-10", "4"),
    ]
    moved = rows(downloads[names[2]])
    assert moved[-1]["Component"] == "Happiness index"
    assert moved[-1]["n now (conversations)"] == "6"


def test_a_chart_carries_its_title_period_and_camera_file_name(app_data):
    app = overview(app_data, {"from": "2025-03-03", "to": "2025-03-10", "grain": "day"})
    chart = app.get("plotly_chart")[0].proto
    figure = json.loads(chart.spec)
    assert figure["layout"]["title"]["text"] == "Happiness index over time"
    assert "3 Mar 2025 – 10 Mar 2025 (UTC)" in figure["layout"]["title"]["subtitle"]["text"]
    config = json.loads(chart.config)["toImageButtonOptions"]
    assert config == {
        "format": "png",
        "filename": "overview_trend_2025-03-03_to_2025-03-10_grain-day_asof-2025-03-10",
        "width": 1200,
        "height": figure["layout"]["height"],
        "scale": 2,
    }


def test_choosing_svg_makes_the_camera_button_save_svg(app_data):
    app = overview(app_data, {"from": "2025-03-03", "to": "2025-03-10", "grain": "day"})
    app.segmented_control(key="image_format").set_value("SVG").run()
    config = json.loads(app.get("plotly_chart")[0].proto.config)["toImageButtonOptions"]
    assert config["format"] == "svg" and config["scale"] == 1


def test_a_table_label_gets_the_unit_it_lacks_once():
    assert exports.with_unit("Index", "happiness_index", True) == "Index (0-100)"
    assert exports.with_unit("Within target", "speed", True) == "Within target (%)"
    assert exports.with_unit("Conversations", "conversations", True) == "Conversations"
    assert exports.with_unit("Gap (points)", "gap", True) == "Gap (points)"
    assert exports.with_unit("Median reply", "median_first_response_s", False) == "Median reply"


def _premiums_table() -> None:
    import datetime as dt

    import polars as pl
    import streamlit as st

    from dashboard.core.filters import Filters
    from dashboard.ui import exports as ui_exports

    number = st.column_config.NumberColumn
    ui_exports.table(
        pl.DataFrame(
            {
                "brand": ["Acme"],
                "influencer_premium": [1.23456],
                "influencer_ci_low": [0.98765],
                "speed_ci_low": [0.5],
                "influencer_q": [0.0123456],
                "tested_conversations": [1200],
                "hidden": ["not shown"],
            }
        ),
        "fairness_premiums",
        Filters(dt.date(2025, 3, 1), dt.date(2025, 3, 31)),
        column_order=(
            "brand",
            "influencer_premium",
            "influencer_ci_low",
            "speed_ci_low",
            "influencer_q",
            "tested_conversations",
        ),
        column_config={
            "brand": "Brand",
            "influencer_premium": number("Influencer premium", format="%.2f"),
            "influencer_ci_low": number("95% CI low", format="%.2f"),
            "speed_ci_low": number("95% CI low ", format="%.2f"),
            "influencer_q": number("q (answers)", format="%.4f"),
            "tested_conversations": number("n tested", format="localized"),
        },
        day=dt.date(2025, 4, 1),
    )


def test_a_table_downloads_its_shown_columns_labels_and_decimals(downloads):
    app = AppTest.from_function(_premiums_table)
    app.run()
    assert not app.exception
    body = rows(downloads["fairness_premiums_2025-03-01_to_2025-03-31_asof-2025-04-01.csv"])
    assert body == [
        {
            "Brand": "Acme",
            "Influencer premium": "1.23",  # %.2f
            # both intervals are labelled "95% CI low" on the page: the file tells them apart
            "Influencer 95% CI low": "0.99",
            "Speed 95% CI low (% within target)": "0.5",
            "q (answers)": "0.0123",  # %.4f
            "n tested": "1200",
        }
    ]


def test_movers_frame_lists_up_then_down_with_interval_and_both_n():
    from dashboard.views.movers import Mover, Movers

    def mover(brand: str, change: float) -> Mover:
        return Mover(brand, None, 60 + change, 60.0, change, change - 2, change + 2, 40, 35)

    result = Movers(
        dt.date(2025, 3, 1),
        dt.date(2025, 3, 31),
        dt.date(2025, 1, 29),
        dt.date(2025, 2, 28),
        "brand",
        20,
        up=(mover("Acme", 5.0), mover("Globex", 3.0)),
        down=(mover("Initech", -4.0),),
    )
    frame = export_frames.movers_frame(result, shown=1)  # the page lists the largest 1
    assert frame.rows() == [
        ("up", "Acme", "all channels", 5.0, 3.0, 7.0, 65.0, 60.0, 40, 35),
        ("down", "Initech", "all channels", -4.0, -6.0, -2.0, 56.0, 60.0, 40, 35),
    ]


def test_history_frame_leaves_a_suppressed_week_empty():
    from dashboard.views.public import WeekPoint

    frame = export_frames.history_frame(
        [
            WeekPoint(dt.date(2025, 3, 3), 70.25, 25, (65.0, 75.5)),
            WeekPoint(dt.date(2025, 3, 10), None, None),
        ]
    )
    assert frame.rows() == [
        (dt.date(2025, 3, 3), 70.25, 65.0, 75.5, 25),
        (dt.date(2025, 3, 10), None, None, None, None),
    ]


def test_a_heatmaps_title_sits_above_its_column_labels():
    # a heatmap with its channel labels on top in a 90 px top margin
    fig = go.Figure(go.Heatmap(z=[[1, 2]], x=["email", "chat"], y=["Acme"]))
    fig.update_layout(height=300, margin={"t": 90})
    fig.update_xaxes(side="top")
    titled = chart_export.titled(fig, "Brand x channel", ("1 Mar 2025 – 31 Mar 2025 (UTC)",))
    # the title's 60 px + 16 px a subtitle line come on top of the labels' 90 px
    assert titled.layout.margin.t == 90 + 60 + 16
    assert titled.layout.height == 300 + 30 + 16 + 60 + 16
    # labels taller than the margin ("community": 12 + 7 x 9 = 75 px without one)
    fig.update_layout(margin={"t": None})
    fig.data[0].x = ["community", "chat"]
    assert chart_export.titled(fig, "Brand x channel", ()).layout.margin.t == 75 + 60
