"""The 95 % intervals of every index, component and service metric, on hand-made logs
whose intervals are worked out by hand in the comments (docs/METRICS.md, "Intervals")."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from dashboard.core.config import Config
from dashboard.core.filters import Filters
from dashboard.views import happiness, overview
from tests.conftest import at, message

DAY = Filters(dt.date(2025, 3, 3), dt.date(2025, 3, 3))


def figures(con, config: Config) -> dict:
    row = happiness.selection_figures(con, config, DAY)
    assert row is not None
    return row


def only(config: Config, **weights: float) -> Config:
    """The config with every weight 0 but the ones given."""
    zero = dict.fromkeys(config.weights, 0.0)
    return dataclasses.replace(config, weights={**zero, **weights})


def test_share_interval_is_wilsons_score_interval(make_db, config):
    # 8 of 10 conversations resolved (explicit flags), the other 2 not
    rows = []
    for i in range(10):
        rows += [
            message(f"c{i}", "inbound", at(0)),
            message(f"c{i}", "outbound", at(10), resolved=i < 8),
        ]
    row = figures(make_db(rows), config)
    # Wilson, p = 0.8, n = 10, z = 1.96: centre (0.8 + 3.8415/20) / (1 + 0.38415) = 0.71674,
    # half-width 1.96 x sqrt(0.016 + 3.8415/400) / 1.38415 = 0.22657 -> 49.02 .. 94.33
    assert row["resolution"] == pytest.approx(80.0)
    assert row["resolution_ci_low"] == pytest.approx(49.02, abs=0.01)
    assert row["resolution_ci_high"] == pytest.approx(94.33, abs=0.01)


def test_index_interval_of_plain_means_is_the_t_interval_of_the_conversation_scores(
    make_db, config
):
    # weights speed 1, resolution 1; four conversations, all answered in 10 minutes:
    # (within target, resolved) = (1, 1), (1, 0), (0, 1), (0, 0) -> scores 100, 50, 50, 0
    # (twitter target 60 min: c3 and c4 answered after 90 minutes are not within it)
    rows = []
    for cid, minutes, resolved in (
        ("c1", 10, True),
        ("c2", 10, False),
        ("c3", 90, True),
        ("c4", 90, False),
    ):
        rows += [
            message(cid, "inbound", at(0)),
            message(cid, "outbound", at(minutes), resolved=resolved),
        ]
    row = figures(make_db(rows), only(config, speed=1.0, resolution=1.0))
    # index 50; the sample variance of the scores (2500 + 0 + 0 + 2500) / 3 = 1666.7,
    # over n = 4: 416.67, sd 20.41; df = n - 1 = 3, t95(3) = 3.1786 (exact 3.1824)
    # -> 50 -+ 64.9, kept inside 0..100
    assert row["happiness_index"] == pytest.approx(50.0)
    assert (row["happiness_index_ci_low"], row["happiness_index_ci_high"]) == (0.0, 100.0)
    # eight such conversations (each twice): variance 2 x 5000 / 7 / 8 = 178.57, sd 13.363,
    # df 7, t95(7) = 2.3646 -> 50 -+ 31.60 = 18.40 .. 81.60
    row = figures(
        make_db(rows + [{**r, "conversation_id": r["conversation_id"] + "b"} for r in rows]),
        only(config, speed=1.0, resolution=1.0),
    )
    assert row["happiness_index_ci_low"] == pytest.approx(18.40, abs=0.02)
    assert row["happiness_index_ci_high"] == pytest.approx(81.60, abs=0.02)


def test_index_interval_carries_the_covariance_of_a_ratio_component(make_db, config):
    # weights resolution 1, satisfaction 1; 16 conversations (4 patterns, 4 times each):
    #   r = 1, rated 5   r = 1, unrated   r = 0, rated 2   r = 0, unrated
    # V = 50 (8 of 16), C = 50 (4 of 8 rated), index 50.
    rows = []
    for k in range(4):
        for j, (resolved, csat) in enumerate(((True, 5), (True, None), (False, 2), (False, None))):
            cid = f"c{k}{j}"
            rows += [
                message(cid, "inbound", at(0)),
                message(cid, "outbound", at(10), resolved=resolved, csat=csat),
            ]
    row = figures(make_db(rows), only(config, resolution=1.0, satisfaction=1.0))
    # var(V) = 100^2 (8 - 0.25 x 16) / (16 x 15) = 166.67
    # var(C) = 100^2 (4 - 0.25 x 8) / (8 x 7) = 357.14
    # cov(V, C) = 100^2 (sum r s - pC sum r q - pV sum s + pV pC sum q) / sqrt(16 x 8 x 15 x 7)
    #           = 100^2 (4 - 0.5 x 4 - 0.5 x 4 + 0.25 x 8) / 115.93 = 172.52
    # var(index) = (166.67 + 357.14 + 2 x 172.52) / 2^2 = 217.21, sd 14.738
    # df = the thinner component's 8 - 1 = 7, t95(7) = 2.3646 -> 50 -+ 34.85
    # (without the covariance it would be 50 -+ 27.06)
    assert row["happiness_index"] == pytest.approx(50.0)
    assert row["happiness_index_ci_low"] == pytest.approx(15.15, abs=0.05)
    assert row["happiness_index_ci_high"] == pytest.approx(84.85, abs=0.05)


def test_mood_interval_is_the_t_interval_of_the_mean_sentiment(make_db, config):
    rows = []
    for cid, s in (("c1", 0.5), ("c2", -0.5), ("c3", 0.2), ("c4", 0.2)):
        rows += [message(cid, "inbound", at(0), sentiment=s), message(cid, "outbound", at(5))]
    row = figures(make_db(rows), config)
    # mean 0.1, sample variance ((0.4^2 + 0.6^2 + 0.1^2 + 0.1^2) / 3) = 0.18, sd 0.4243,
    # se 0.21213; t95(3) = 3.1786 -> 0.1 -+ 0.6743 -> mood 50 x (1 + ...) = 21.29 .. 88.71
    assert row["mood"] == pytest.approx(55.0)
    assert row["mood_ci_low"] == pytest.approx(21.29, abs=0.02)
    assert row["mood_ci_high"] == pytest.approx(88.71, abs=0.02)


def service_tile(con, config: Config, label: str) -> overview.Kpi:
    return next(k for k in overview.kpis(con, config, DAY, service=True) if k.label == label)


def test_nps_is_promoters_minus_detractors_with_its_interval(make_db, config):
    rows = []
    scores = [10] * 6 + [9] * 6 + [8] * 2 + [7] * 2 + [6, 3, 0, 0]
    for i, score in enumerate(scores):
        rows += [message(f"c{i}", "inbound", at(0)), message(f"c{i}", "outbound", at(5), nps=score)]
    tile = service_tile(make_db(rows), config, "NPS")
    # 12 promoters (9-10), 4 passives, 4 detractors (0-6) of 20: 100 x (12 - 4) / 20 = 40
    # variance 100^2 (0.6 + 0.2 - 0.4^2) / 19 = 336.84, sd 18.353; t95(19) = 2.0930
    # -> 40 -+ 38.41 = 1.59 .. 78.41
    assert (tile.value, tile.n) == (pytest.approx(40.0), 20)
    assert tile.ci_low == pytest.approx(1.59, abs=0.02)
    assert tile.ci_high == pytest.approx(78.41, abs=0.02)


def test_drop_rate_is_the_share_of_answered_conversations_dropped(make_db, config):
    rows = [
        # dropped: answered, the customer spoke last, not positively, waited > 1 h
        message("c1", "inbound", at(0)),
        message("c1", "outbound", at(5)),
        message("c1", "inbound", at(10), sentiment=-0.3),
        # answered and fine
        message("c2", "inbound", at(0)),
        message("c2", "outbound", at(5)),
        # never answered: not in the drop rate's n
        message("c3", "inbound", at(0)),
        # a later message moves the as-of time two hours on
        message("c4", "inbound", at(130)),
        message("c4", "outbound", at(131)),
    ]
    tile = service_tile(make_db(rows), config, "Drop rate")
    # 1 of 3 answered conversations (c1, c2, c4)
    assert (tile.value, tile.n) == (pytest.approx(100 / 3), 3)


def test_mean_and_90th_percentile_first_response_sit_beside_the_median(make_db, config):
    rows = []
    for i, minutes in enumerate((1, 2, 3, 4, 5, 6, 7, 8, 9, 100)):
        rows += [message(f"c{i}", "inbound", at(0)), message(f"c{i}", "outbound", at(minutes))]
    con = make_db(rows)
    headline = {k.label: k for k in overview.kpis(con, config, DAY)}
    # percentiles and their bounds from the response-time sketch: within +-1 %
    assert headline["Median response"].value == pytest.approx(5.5 * 60, rel=0.01)
    mean = service_tile(con, config, "Mean reply")
    # (1 + ... + 9 + 100) / 10 = 145 / 10 = 14.5 min
    assert (mean.value, mean.n) == (pytest.approx(14.5 * 60), 10)
    p90 = service_tile(con, config, "P90 reply")
    # quantile_cont at 0.9 of 10 values: 9 + 0.1 x (100 - 9) = 18.1 min
    assert p90.value == pytest.approx(18.1 * 60, rel=0.01)
    # its interval: ranks 10 x 0.9 -+ 1.96 x sqrt(0.9) = 9 -+ 1.86 -> rank 7 (down) and
    # rank 11 (up, +1) capped at 10: 7 min .. 100 min
    assert p90.ci_low == pytest.approx(7 * 60, rel=0.01)
    assert p90.ci_high == pytest.approx(100 * 60, rel=0.01)


def test_sentiment_lift_is_on_the_mood_scale(make_db, config):
    rows = [
        message("c1", "inbound", at(0), sentiment=-0.6),
        message("c1", "outbound", at(5)),
        message("c1", "inbound", at(10), sentiment=0.4),
        message("c2", "inbound", at(0), sentiment=-0.2),
        message("c2", "outbound", at(5)),
        message("c2", "inbound", at(10), sentiment=0.0),
    ]
    tile = service_tile(make_db(rows), config, "Mood lift")
    # lifts 1.0 and 0.2, mean 0.6 -> 50 x 0.6 = 30 mood points, n = 2
    assert (tile.value, tile.n) == (pytest.approx(30.0), 2)


def test_reopen_rate_is_the_share_of_resolved_cases_reopened(make_db, config):
    rows = [
        message("c1", "inbound", at(0)),
        message("c1", "outbound", at(5), resolved=True),
        message("c1", "inbound", at(10), sentiment=-0.5),
        message("c2", "inbound", at(0)),
        message("c2", "outbound", at(5), resolved=True),
        message("c3", "inbound", at(0)),
        message("c3", "outbound", at(5), resolved=True),
        message("c3", "inbound", at(10), sentiment=0.7),  # "thanks!"
    ]
    con = make_db(rows)
    tile = service_tile(con, config, "Reopened")
    # 1 of 3 marked resolved
    assert (tile.value, tile.n) == (pytest.approx(100 / 3), 3)
    # resolution counts what stayed resolved: 2 of 3
    assert figures(con, config)["resolution"] == pytest.approx(200 / 3)


def test_a_figure_without_data_has_no_interval_never_a_bound(make_db, config):
    # nobody rated, no NPS, no sentiment, no measurable first response (time unknown)
    rows = [
        message("c1", "inbound", at(0), time_known=False),
        message("c1", "outbound", at(0)),
        message("c2", "inbound", at(0), time_known=False),
    ]
    con = make_db(rows)
    row = figures(con, config)
    for name in ("mood", "satisfaction"):
        assert (row[name], row[f"{name}_ci_low"], row[f"{name}_ci_high"]) == (None, None, None)
    # speed: only c2 (never answered) is timed
    assert row["timed_n"] == 1
    for label in ("NPS", "Mean reply", "Mood lift"):
        tile = service_tile(con, config, label)
        assert (tile.value, tile.ci_low, tile.ci_high, tile.n) == (None, None, None, 0), label


def test_an_interval_below_zero_reads_with_to_not_a_double_minus():
    from dashboard.core import formatting

    assert formatting.interval(-13.1, -9.0, "score") == "95% CI -13.1 to -9.0"
    assert formatting.interval(58.1, 64.0, "points") == "95% CI 58.1–64.0"
    assert formatting.interval(None, 64.0, "points") is None
