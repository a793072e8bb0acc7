"""Alerts (docs/METRICS.md, "Alerts"): each day's volume, index and mood of a brand and
of each of its channels against the median and MAD of the same series' previous days,
on tiny hand-made daily series whose medians, MADs and scores are worked out below.

Days count from Mon 3 Mar 2025 (day 0, tests/conftest.py T0). Every log here is one
brand (Acme) on one channel (twitter), so the brand's series (channel None) and the
twitter series are the same numbers: each alert comes twice.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from dashboard.cli import main
from dashboard.core.config import ConfigError, load_config
from dashboard.core.filters import Filters
from dashboard.data import sql
from dashboard.views import alerts
from tests.conftest import at, message, write_rows

DAY0 = dt.date(2025, 3, 3)


def day(k: int) -> dt.date:
    return DAY0 + dt.timedelta(days=k)


def volume_log(counts: list[int]) -> list[dict]:
    """counts[k] unanswered conversations on day k (one customer message each)."""
    return [
        message(f"d{k}-{i}", "inbound", at(i, days=k))
        for k, count in enumerate(counts)
        for i in range(count)
    ]


def answered(cid: str, k: int, reply_min: float | None, sentiment: float | None = None) -> list:
    """A conversation on day k, answered after reply_min minutes (None: never)."""
    rows = [message(cid, "inbound", at(0, days=k), sentiment=sentiment)]
    if reply_min is not None:
        rows.append(message(cid, "outbound", at(reply_min, days=k)))
    return rows


@pytest.fixture
def settings(config):
    """A week of history (at least 5 days of it), |score| >= 4, min n 1 unless a test
    says otherwise."""
    return dataclasses.replace(
        config,
        min_n=1,
        alerts_window_days=7,
        alerts_min_history_days=5,
        alerts_z_threshold=4.0,
    )


def found(frame) -> set[tuple]:
    return {(r["day"], r["channel"], r["metric"], r["direction"]) for r in frame.to_dicts()}


def test_a_spike_on_a_flat_series_is_an_alert_with_a_poisson_spread(make_db, settings):
    # days 0-9: 4 conversations, day 10: 13. Day 10's history (days 3-9) is seven 4s:
    # median 4, MAD 0; the least MAD of a count is sqrt(4) / 1.4826, so the spread is
    # 1.4826 x 1.349 = sqrt(4) = 2 and the score (13 - 4) / 2 = 4.5 >= 4.
    con = make_db(volume_log([4] * 10 + [13]))
    frame = alerts.alerts(con, settings, Filters(day(0), day(10)))
    assert found(frame) == {(day(10), None, "volume", "up"), (day(10), "twitter", "volume", "up")}
    row = frame.row(0, named=True)
    assert (row["brand"], row["value"], row["expected"], row["n"]) == ("Acme", 13.0, 4.0, 13)
    assert row["score"] == pytest.approx(4.5, abs=1e-3)
    assert list(frame.columns) == list(alerts.SCHEMA)


def test_the_spread_is_the_history_mad_when_it_is_wider_than_the_floors(make_db, settings):
    # history (days 0-6): 10 20 30 20 40 20 0 -> sorted 0 10 20 20 20 30 40, median 20;
    # distances 10 0 10 0 20 0 20 -> sorted 0 0 0 10 10 20 20, MAD 10 (> the floors 1
    # and sqrt(20) / 1.4826 = 3.02): spread 14.826.
    # day 7 = 80: (80 - 20) / 14.826 = 4.047, an alert; 70 would be 3.37, none.
    history = [10, 20, 30, 20, 40, 20, 0]
    con = make_db(volume_log(history + [80]))
    (score,) = set(alerts.alerts(con, settings, Filters(day(7), day(7)))["score"])
    assert score == pytest.approx(60 / 14.826, abs=1e-3)


def test_a_spike_within_the_history_spread_is_no_alert(make_db, settings):
    con = make_db(volume_log([10, 20, 30, 20, 40, 20, 0] + [70]))  # (70 - 20) / 14.826 = 3.37
    assert alerts.alerts(con, settings, Filters(day(7), day(7))).is_empty()


def test_a_series_too_short_for_a_baseline_gives_no_alert(make_db, settings):
    # day 4 has only four days of history (days 0-3), under min_history_days 5
    con = make_db(volume_log([4, 4, 4, 4, 40]))
    assert alerts.alerts(con, settings, Filters(day(0), day(4))).is_empty()


def test_the_history_reaches_back_before_the_selection(make_db, settings):
    # the same spike as above, selected alone: its history days 3-9 are outside the range
    con = make_db(volume_log([4] * 10 + [13]))
    assert len(alerts.alerts(con, settings, Filters(day(10), day(10)))) == 2


def test_a_day_without_conversations_counts_as_zero_volume(make_db, settings):
    # days 0-6: 30 each, day 7: none, day 8: 30. Day 7's volume is 0 against a median of
    # 30 (spread sqrt(30) = 5.48): score -5.48, a drop; day 8's history holds that 0
    # (30 30 30 30 30 30 0: median 30, MAD 0): no alert
    con = make_db(volume_log([30] * 7 + [0, 30]))
    frame = alerts.alerts(con, settings, Filters(day(0), day(8)))
    assert found(frame) == {(day(7), None, "volume", "down"), (day(7), "twitter", "volume", "down")}
    assert frame["score"][0] == pytest.approx(-30 / 30**0.5, abs=1e-3)
    assert frame["n"][0] == 0


def weekly_log(saturday_5: int) -> list[dict]:
    """Four weeks from Mon 3 Mar: 20 conversations a weekday, 2 a weekend day; then week
    5 Monday to Friday at 20 and its Saturday (day 33) at `saturday_5`."""
    counts = [20 if k % 7 < 5 else 2 for k in range(33)] + [saturday_5]
    return volume_log(counts)


@pytest.fixture
def seasonal(settings):
    return dataclasses.replace(
        settings, alerts_window_days=28, alerts_min_history_days=3, alerts_seasonal="weekday"
    )


def test_without_seasonality_an_ordinary_saturday_is_a_drop(make_db, seasonal):
    # day 26 (the 4th Saturday), history days 0-25: twenty 20s and six 2s -> median 20,
    # MAD 0, spread sqrt(20) = 4.472: score (2 - 20) / 4.472 = -4.02
    con = make_db(weekly_log(8))
    flat = dataclasses.replace(seasonal, alerts_seasonal="none", alerts_min_history_days=5)
    frame = alerts.alerts(con, flat, Filters(day(26), day(26)))
    assert found(frame) == {
        (day(26), None, "volume", "down"),
        (day(26), "twitter", "volume", "down"),
    }
    assert frame["score"][0] == pytest.approx(-18 / 20**0.5, abs=1e-3)


def test_with_weekday_seasonality_only_the_weekend_spike_is_an_alert(make_db, seasonal):
    # weekday mode: day 26's history is the three Saturdays before (2 2 2): score 0.
    # Day 33 = 8 against the Saturdays 2 2 2 2 (median 2, MAD 0; the floor 1 beats
    # sqrt(2) / 1.4826 = 0.95): spread 1.4826, score 6 / 1.4826 = 4.05
    con = make_db(weekly_log(8))
    frame = alerts.alerts(con, seasonal, Filters(day(21), day(33)))
    assert found(frame) == {(day(33), None, "volume", "up"), (day(33), "twitter", "volume", "up")}
    assert frame["score"][0] == pytest.approx(6 / 1.4826, abs=1e-3)
    # the same Saturday without seasonality: (8 - 20) / 4.472 = -2.68, no alert
    flat = dataclasses.replace(seasonal, alerts_seasonal="none", alerts_min_history_days=5)
    assert alerts.alerts(con, flat, Filters(day(33), day(33))).is_empty()


def index_log(last_day: list[float | None]) -> list[dict]:
    """Days 0-6: three conversations answered in 30 min (index 100: speed, resolution
    (proxy) and effort 100, no mood or rating); day 7: one conversation per entry of
    `last_day` (answered after that many minutes, None: never)."""
    rows = [answered(f"h{k}-{i}", k, 30) for k in range(7) for i in range(3)]
    rows += [answered(f"x{i}", 7, reply) for i, reply in enumerate(last_day)]
    return [m for conversation in rows for m in conversation]


@pytest.fixture
def min_n_3(settings):
    return dataclasses.replace(settings, min_n=3)


def test_an_index_drop_with_min_n_conversations_is_an_alert(make_db, min_n_3):
    # day 7: three unanswered conversations: speed 0, resolution 0, effort 100 -> index
    # (0.1 x 100) / 0.5 = 20 against a history of seven 100s (MAD 0, floor 3 points):
    # spread 4.448, score -80 / 4.448 = -17.99. Its interval is 20-20 (three equal
    # conversations): 100 lies outside it.
    con = make_db(index_log([None, None, None]))
    frame = alerts.alerts(con, min_n_3, Filters(day(7), day(7)))
    assert found(frame) == {(day(7), None, "index", "down"), (day(7), "twitter", "index", "down")}
    row = frame.row(0, named=True)
    assert (row["value"], row["expected"], row["n"]) == (pytest.approx(20.0), 100.0, 3)
    assert row["score"] == pytest.approx(-80 / (1.4826 * 3), abs=1e-3)


def test_a_day_under_min_n_gives_no_index_alert(make_db, min_n_3):
    # the same drop on two conversations (index 20, n 2 < 3): no value, no alert; its
    # volume (2 against 3 a day) is no alert either
    con = make_db(index_log([None, None]))
    assert alerts.alerts(con, min_n_3, Filters(day(7), day(7))).is_empty()


def test_an_index_alert_needs_the_expected_value_outside_the_days_interval(make_db, min_n_3):
    # day 7: one of three answered in time: speed 33.3, resolution 33.3, effort 100 ->
    # index (6.67 + 6.67 + 10) / 0.5 = 46.7, score -53.3 / 4.448 = -12. But three varied
    # conversations: var = (44.4 + 44.4 + 88.9) / 0.5^2 = 711, t(2) = 4.303, half-width
    # 115: the interval is 0-100 and holds the expected 100. No alert.
    con = make_db(index_log([30, None, None]))
    only_day_7 = Filters(day(7), day(7))
    # the query finds the drop (score -12); the interval check sets it aside
    raw = sql.run(con, "daily_alerts", **alerts.alert_params(min_n_3, only_day_7))
    assert raw["score"].to_list() == pytest.approx([-53.333 / (1.4826 * 3)] * 2, abs=1e-2)
    assert alerts.alerts(con, min_n_3, only_day_7).is_empty()


def test_a_mood_drop_is_an_alert(make_db, min_n_3):
    # days 0-6: three unanswered conversations with sentiment +0.5 (mood 75); day 7:
    # three with -0.5 (mood 25): score -50 / (1.4826 x 3) = -11.24. (The index falls
    # too: (0.3 x 75 + 10) / 0.6 = 54.2 -> (0.3 x 25 + 10) / 0.6 = 29.2.)
    rows = [answered(f"m{k}-{i}", k, None, 0.5) for k in range(7) for i in range(3)]
    rows += [answered(f"y{i}", 7, None, -0.5) for i in range(3)]
    con = make_db([m for conversation in rows for m in conversation])
    frame = alerts.alerts(con, min_n_3, Filters(day(7), day(7)))
    mood = frame.filter(frame["metric"] == "mood").row(0, named=True)
    assert (mood["value"], mood["expected"], mood["direction"]) == (25.0, 75.0, "down")
    assert mood["score"] == pytest.approx(-50 / (1.4826 * 3), abs=1e-3)
    assert {m for _, _, m, _ in found(frame)} == {"mood", "index"}


def test_alerts_config_is_validated_with_the_key_named(tmp_path):
    (tmp_path / "chi.toml").write_text('[alerts]\nseasonal = "monthly"\n')
    with pytest.raises(ConfigError, match="seasonal"):
        load_config(tmp_path)
    (tmp_path / "chi.toml").write_text("[alerts]\nwindow_days = 28\nmin_history_days = 30\n")
    with pytest.raises(ConfigError, match="min_history_days = 30 can never be met"):
        load_config(tmp_path)
    (tmp_path / "chi.toml").write_text('[alerts]\nseasonal = "weekday"\nmin_history_days = 5\n')
    with pytest.raises(ConfigError, match="of the same weekday"):
        load_config(tmp_path)
    (tmp_path / "chi.toml").write_text("[alerts]\nmad_floor_index = 0\n")
    with pytest.raises(ConfigError, match="mad_floor_index"):
        load_config(tmp_path)
    (tmp_path / "chi.toml").write_text("[alerts]\nz_threshold = 3.5\nmin_n = 5\n")
    config = load_config(tmp_path)
    assert (config.alerts_z_threshold, config.alerts_effective_min_n) == (3.5, 5)


def test_chi_report_alerts_lists_the_spike(tmp_path, capsys):
    data_dir = tmp_path / "data"
    write_rows(data_dir, "interactions", volume_log([4] * 10 + [13]))
    (data_dir / "chi.toml").write_text(
        "min_n = 1\n[alerts]\nwindow_days = 7\nmin_history_days = 5\n", encoding="utf-8"
    )
    assert main(["report", "alerts", "--data", str(data_dir), "--format", "csv"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0] == (
        "day,brand,channel,metric,value,expected,score,n,direction,conversations,mad,"
        "history_days,below_min_n"
    )
    assert lines[1:] == [
        "2025-03-13,Acme,,volume,13,4,4.5,13,up,13,0,7,false",  # whole numbers as integers
        "2025-03-13,Acme,twitter,volume,13,4,4.5,13,up,13,0,7,false",
    ]
