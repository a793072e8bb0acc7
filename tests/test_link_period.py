"""A copied link reproduces the same view tomorrow: explicit dates stay explicit in the
URL (even when they equal today's defaults, which Streamlit's bound widgets drop), and
a relative period says so (`?range=90d`), understood when the link comes back."""

from __future__ import annotations

import datetime as dt

from streamlit.testing.v1 import AppTest

from dashboard.core.filters import link_period
from tests.markdown_text import shown
from tests.test_overview import PAGES, app_data

__all__ = ["app_data"]

FIRST, LAST = dt.date(2025, 1, 1), dt.date(2025, 12, 31)


def test_explicit_days_win_and_a_missing_side_takes_the_default():
    period = link_period(dt.date(2025, 12, 1), dt.date(2025, 12, 31), "7d", FIRST, LAST)
    assert (period.date_from, period.date_to, period.relative_days) == (
        dt.date(2025, 12, 1),
        dt.date(2025, 12, 31),
        None,
    )
    only_from = link_period(dt.date(2025, 12, 1), None, None, FIRST, LAST)
    assert (only_from.date_to, only_from.range_param) == (LAST, None)


def test_range_is_the_last_n_days_with_data():
    # 31 Dec back 30 days inclusive: 2 Dec to 31 Dec
    period = link_period(None, None, "30d", FIRST, LAST)
    assert (period.date_from, period.date_to, period.range_param) == (
        dt.date(2025, 12, 2),
        LAST,
        "30d",
    )
    # longer than the data: from its first day
    assert link_period(None, None, "900d", FIRST, LAST).date_from == FIRST


def test_no_dates_is_the_default_90_days_said_as_a_range():
    period = link_period(None, None, None, FIRST, LAST)
    # 31 Dec - 89 days = 3 Oct
    assert (period.date_from, period.range_param, period.ignored_range) == (
        dt.date(2025, 10, 3),
        "90d",
        None,
    )


def test_a_range_that_is_no_number_of_days_is_reported():
    for text in ("year", "0d", "-5d", "90"):
        period = link_period(None, None, text, FIRST, LAST)
        assert (period.ignored_range, period.range_param) == (text, "90d")


def page(app_data, **query: str) -> AppTest:
    (app_data / "chi.toml").write_text("min_n = 1\n")
    app = AppTest.from_file(str(PAGES / "overview.py"), default_timeout=60)
    for key, value in query.items():
        app.query_params[key] = value
    app.run()
    assert not app.exception
    return app


def selection(app: AppTest) -> str:
    return shown(app.caption[0].value)


def test_a_link_without_dates_says_it_is_relative(app_data):
    app = page(app_data)
    assert app.query_params.get("range") == "90d"
    assert "from" not in app.query_params and "to" not in app.query_params
    assert any("range=90d" in shown(c.value) for c in app.caption)


def test_explicit_dates_equal_to_the_defaults_stay_in_the_link(app_data):
    # the data's days: 3 and 10 Mar; the default is the last 90 days, 2 Mar (the
    # pickers allow a day either side) to 10 Mar: the link names exactly these days
    app = page(app_data, **{"from": "2025-03-02", "to": "2025-03-10"})
    assert app.query_params.get("from") == "2025-03-02"
    assert app.query_params.get("to") == "2025-03-10"
    assert "range" not in app.query_params


def test_a_link_with_only_from_gets_its_end_written_in(app_data):
    app = page(app_data, **{"from": "2025-03-03"})
    assert app.query_params.get("to") == "2025-03-10"
    assert selection(app).startswith("03 Mar 2025 – 10 Mar 2025 (8 days")


def test_a_relative_range_link_shows_the_last_n_days(app_data):
    # 10 Mar back 7 days inclusive: 4 to 10 Mar; only c, d, e, f (10 Mar) are in it
    app = page(app_data, range="7d")
    assert selection(app).startswith("04 Mar 2025 – 10 Mar 2025 (7 days")
    assert {m.label: m.value for m in app.metric}["Conversations"] == "4"
    assert app.query_params.get("range") == "7d"
    assert "from" not in app.query_params


def test_an_unknown_range_is_noticed(app_data):
    app = page(app_data, range="year")
    assert any("Ignored 'range=year' from the link" in shown(c.value) for c in app.caption)
    assert app.query_params.get("range") == "90d"


def test_picking_a_date_makes_the_link_explicit(app_data):
    app = page(app_data)
    app.date_input(key="from").set_value(dt.date(2025, 3, 10)).run()
    assert not app.exception
    assert app.query_params.get("from") == "2025-03-10"
    assert app.query_params.get("to") == "2025-03-10"
    assert "range" not in app.query_params
    assert selection(app).startswith("10 Mar 2025 – 10 Mar 2025 (1 days")


def test_an_unknown_path_is_told_apart_from_home():
    from dashboard.ui.not_found import unknown_path

    assert unknown_path("http://localhost:8501/doesnotexist?x=1") == "doesnotexist"
    assert unknown_path("http://localhost:8501/") is None
    assert unknown_path("http://localhost:8501/home") is None
    assert unknown_path(None) is None  # no browser (AppTest): nothing to say
