"""Follower fairness, the tests behind the verdicts: the influencer test (logistic
regression of answered on log10 followers within entry channel, score test), the
speed test (log first response on log10 followers, HC1), Benjamini-Hochberg across
the table and the minimum effect (docs/METRICS.md, "Follower fairness")."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

import pytest

from dashboard.core.config import ConfigError, load_config
from dashboard.core.filters import Filters
from dashboard.data import connection, rollup, sql
from dashboard.views import fairness, fairness_trend
from tests.conftest import at, message, write_rows
from tests.test_fairness import WEEK, conversations

Z95 = 1.959963984540054


def two_channels() -> list[dict]:
    """Customers with 100 followers (x = log10 101 = 2.004 -> 2.0) and 10,000 (x = 4.0).
    twitter: 5 of 10 answered at 100, 9 of 10 at 10k; email: 1 of 10 and 5 of 10.
    Every reply takes 5 minutes."""
    return (
        conversations("a", 10, 100, reply_min=5, answered=5)
        + conversations("b", 10, 10_000, reply_min=5, answered=9)
        + conversations("c", 10, 100, reply_min=5, answered=1, channel="email")
        + conversations("d", 10, 10_000, reply_min=5, answered=5, channel="email")
    )


def spread_times() -> list[dict]:
    """twitter, every conversation answered: 100 followers 5 x 10 min and 5 x 40 min,
    10k followers 5 x 2.5 min and 5 x 10 min."""
    return (
        conversations("p", 5, 100, reply_min=10)
        + conversations("q", 5, 100, reply_min=40)
        + conversations("r", 5, 10_000, reply_min=2.5)
        + conversations("s", 5, 10_000, reply_min=10)
    )


def only_row(con, config, by_channel: bool = False) -> dict:
    [row] = fairness.premiums(con, config, WEEK, by_channel).iter_rows(named=True)
    return row


def test_influencer_test_compares_within_each_entry_channel(make_db, config):
    row = only_row(make_db(two_channels()), config)
    # The log-odds rise by the same ln 9 from x = 2 to x = 4 in both channels
    # (twitter logit 0 -> ln 9, email -ln 9 -> 0), so the fit is exact:
    # beta = ln 9 / 2 = ln 3 per decade. Pooled over the channels (6/20 against 14/20)
    # it would be (logit 0.7 - logit 0.3) / 2 = 0.847, an odds ratio of 2.33.
    assert row["influencer_odds_ratio_per_10x"] == pytest.approx(3.0)
    # Wald interval: information sum over channels of w1 w2 (x2 - x1)^2 / (w1 + w2),
    # w = n p (1 - p) = 2.5 and 0.9: 2 x (2.5 x 0.9 x 4 / 3.4) = 5.2941
    se = 1 / math.sqrt(2 * 2.5 * 0.9 * 4 / 3.4)
    assert row["influencer_or_ci_low"] == pytest.approx(3 * math.exp(-Z95 * se))
    assert row["influencer_or_ci_high"] == pytest.approx(3 * math.exp(Z95 * se))
    # score test: U = sum (x - 3)(a - n ybar): twitter (ybar 0.7) -1 x (5 - 7) + 1 x (9 - 7)
    # = 4, email (ybar 0.3) -1 x (1 - 3) + 1 x (5 - 3) = 4; I = 0.21 x 20 twice = 8.4
    z = 8 / math.sqrt(8.4)
    assert row["influencer_p"] == pytest.approx(math.erfc(z / math.sqrt(2)))  # 0.00578
    assert row["tested_conversations"] == 40
    assert row["influencer_q"] == pytest.approx(row["influencer_p"])  # a family of one
    assert row["influencer_flagged"] is True
    assert row["influencer_verdict"] == (
        "Acme answers customers with more followers more often: each tenfold in "
        "followers multiplies the odds of an answer by 3.00 (95% CI 1.28-7.03; "
        "40 conversations, q = 0.006)."
    )


def test_equal_replies_leave_the_speed_test_nothing_to_test(make_db, config):
    # every reply takes 5 minutes: no residual variation, no speed test
    row = only_row(make_db(two_channels()), config)
    assert row["speed_p"] is None and row["speed_verdict"] is None
    assert row["speed_flagged"] is False
    assert "no speed test" in row["note"]


def test_speed_test_is_the_slope_of_log_first_response(make_db, config):
    row = only_row(make_db(spread_times()), config)
    # ln times: at x = 2 ln 600 and ln 2400 (mean ln 1200), at x = 4 ln 150 and ln 600
    # (mean ln 300): slope (ln 300 - ln 1200) / 2 = -ln 2 per decade, speed factor 2.
    assert row["speed_factor_per_10x"] == pytest.approx(2.0)
    # residuals +-ln 2 on all 20, x - mean x = +-1: Sxx = 20, HC0 = 20 (ln 2)^2 / 20^2,
    # HC1 x 20 / (20 - 2) -> se = ln 2 / sqrt(18); z = -ln 2 / se = -sqrt(18)
    se = math.log(2) / math.sqrt(18)
    assert row["speed_factor_ci_low"] == pytest.approx(2 * math.exp(-Z95 * se))
    assert row["speed_factor_ci_high"] == pytest.approx(2 * math.exp(Z95 * se))
    assert row["speed_p"] == pytest.approx(math.erfc(3.0))  # P(|Z| >= sqrt 18), 2.2e-5
    assert row["tested_answered"] == 20
    assert row["speed_flagged"] is True
    assert row["speed_verdict"] == (
        "Acme answers customers with more followers faster: each tenfold in followers "
        "makes the first response 2.00x as fast (95% CI 1.45-2.75; 20 answered "
        "conversations, q < 0.001)."
    )
    # everyone answered: nothing to compare for the influencer test
    assert row["influencer_p"] is None and "no influencer test" in row["note"]


def test_bigger_audiences_served_worse_are_flagged_too(make_db, config):
    # two_channels with the buckets swapped: the odds fall 3x per decade
    rows = [
        dict(r, author_followers=10_100 - r["author_followers"]) if r.get("author_followers") else r
        for r in two_channels()
    ]
    row = only_row(make_db(rows), config)
    assert row["influencer_odds_ratio_per_10x"] == pytest.approx(1 / 3)
    assert row["influencer_flagged"] is True
    assert row["influencer_verdict"].startswith(
        "Acme answers customers with more followers less often: each tenfold in "
        "followers multiplies the odds of an answer by 0.33"
    )


def test_a_channel_where_everyone_is_answered_adds_nothing(make_db, config):
    chat = conversations("h", 10, 100, reply_min=1, channel="chat") + conversations(
        "k", 10, 10_000, reply_min=1, channel="chat"
    )
    row = only_row(make_db(two_channels() + chat), config)
    assert row["tested_conversations"] == 60  # counted, but it says nothing on the slope
    assert row["influencer_odds_ratio_per_10x"] == pytest.approx(3.0)
    assert row["influencer_p"] == pytest.approx(math.erfc(8 / math.sqrt(8.4) / math.sqrt(2)))


def test_unknown_follower_counts_are_not_tested(make_db, config):
    row = only_row(make_db(two_channels() + conversations("u", 30, None, reply_min=1)), config)
    assert row["tested_conversations"] == 40
    assert row["influencer_odds_ratio_per_10x"] == pytest.approx(3.0)


def test_separated_answers_are_an_unbounded_odds_ratio_with_a_finite_score_test(make_db, config):
    # nobody with 100 followers answered, everyone with 10k: no finite maximum-likelihood
    # slope. Score test: ybar 0.5, U = -1 x (0 - 5) + 1 x (10 - 5) = 10, I = 0.25 x 20 = 5
    rows = conversations("a", 10, 100) + conversations("b", 10, 10_000, reply_min=5)
    row = only_row(make_db(rows), config)
    assert row["influencer_odds_ratio_per_10x"] is None
    assert row["influencer_p"] == pytest.approx(math.erfc(math.sqrt(10)))  # z = sqrt 20
    assert row["influencer_flagged"] is True  # unbounded is beyond any minimum
    assert row["influencer_verdict"] == (
        "Acme answers customers with more followers more often: their follower count "
        "separates answered from unanswered (20 conversations, q < 0.001)."
    )
    # 10 answered, under the min n of 20
    assert row["speed_p"] is None
    assert "not enough data for the speed test: 10 answered conversations" in row["note"]


def test_too_few_conversations_give_no_test_and_say_why(make_db, config):
    rows = conversations("a", 10, 100, reply_min=5, answered=5) + conversations(
        "b", 9, 10_000, reply_min=5, answered=9
    )
    row = only_row(make_db(rows), config)
    assert row["influencer_p"] is None and row["speed_p"] is None
    assert row["influencer_verdict"] is None
    assert row["influencer_flagged"] is False
    assert row["note"].endswith(
        "not enough data for the tests: 19 conversations with a known follower count (min n 20)"
    )


def test_an_effect_under_the_minimum_gives_no_verdict(make_db, config):
    strict = dataclasses.replace(config, fairness_min_odds_ratio=3.5)
    row = only_row(make_db(two_channels()), strict)
    assert row["influencer_q"] < 0.05  # a discovery, but 3.00 < 3.5
    assert row["influencer_flagged"] is False
    assert row["influencer_verdict"] == (
        "no clear difference: 3.00x per tenfold followers is under the minimum effect "
        "(3.50x either way)"
    )


def test_q_values_are_adjusted_across_every_brand_in_the_table(make_db, config):
    # Zeta: 5 of 10 answered at both follower counts, U = 0, p = 1. The family holds
    # Acme's and Zeta's influencer tests (neither has a speed test: constant times).
    zeta = [
        dict(r, brand="Zeta", conversation_id="z" + r["conversation_id"])
        for r in conversations("a", 10, 100, reply_min=5, answered=5)
        + conversations("b", 10, 10_000, reply_min=5, answered=5)
    ]
    frame = fairness.premiums(make_db(two_channels() + zeta), config, WEEK)
    acme, zeta_row = frame.iter_rows(named=True)
    assert zeta_row["influencer_p"] == pytest.approx(1.0)
    # BH: Acme's p is the smallest of 2: q = p x 2 / 1
    assert acme["influencer_q"] == pytest.approx(2 * acme["influencer_p"])
    assert (acme["influencer_flagged"], zeta_row["influencer_flagged"]) == (True, False)
    assert zeta_row["influencer_verdict"] == fairness.NO_CLEAR_DIFFERENCE
    assert fairness.method_sentence(frame, config) == (
        "Tested on all 60 conversations with a known follower count (30 answered), within "
        "each entry channel: a logistic regression of answered on log10 followers (score "
        "test) and a regression of log first response on log10 followers (robust standard "
        "error). Benjamini-Hochberg at 5% across the 2 tests in this table; a verdict also "
        "needs at least 1.15x (odds of an answer) or 1.15x (speed) per tenfold followers, "
        "either way."
    )
    stricter = dataclasses.replace(config, fairness_fdr=0.025)
    assert "Benjamini-Hochberg at 2.5% across the 2 tests" in fairness.method_sentence(
        frame, stricter
    )


def test_split_by_channel_tests_each_channel_alone(make_db, config):
    frame = fairness.premiums(make_db(two_channels()), config, WEEK, by_channel=True)
    rows = {r["channel"]: r for r in frame.iter_rows(named=True)}
    # twitter alone: two points, logit 0 -> ln 9: ln 9 / 2, an odds ratio of 3; its
    # score test U = 4, I = 4.2 -> z = 1.95, p = 0.051; email the same by symmetry
    for channel in ("twitter", "email"):
        assert rows[channel]["influencer_odds_ratio_per_10x"] == pytest.approx(3.0)
        p = math.erfc(4 / math.sqrt(4.2) / math.sqrt(2))
        assert rows[channel]["influencer_p"] == pytest.approx(p)
        assert rows[channel]["influencer_q"] == pytest.approx(p)  # both p equal: q = p
        assert rows[channel]["influencer_flagged"] is False  # 0.051 > 0.05
    assert rows["twitter"]["influencer_verdict"] == fairness.NO_CLEAR_DIFFERENCE


def test_benjamini_hochberg_of_a_hand_made_list():
    # sorted 0.01, 0.03, 0.04, 0.20 of m = 4: p x 4 / rank = 0.04, 0.06, 0.0533, 0.20;
    # step-up (minimum from the largest down): 0.04, 0.0533, 0.0533, 0.20
    q = fairness_trend.benjamini_hochberg([0.01, 0.04, 0.03, 0.20])
    assert q == pytest.approx([0.04, 0.04 * 4 / 3, 0.04 * 4 / 3, 0.20])
    assert [v <= 0.05 for v in q] == [True, False, False, False]


def test_benjamini_hochberg_steps_up_where_bonferroni_would_not():
    # Bonferroni (p x 4) keeps only 0.01; BH: 0.04 x 4 / 4 = 0.04 caps every smaller one
    assert fairness_trend.benjamini_hochberg([0.01, 0.02, 0.03, 0.04]) == pytest.approx([0.04] * 4)
    assert fairness_trend.benjamini_hochberg([0.5, 0.9]) == pytest.approx([0.9, 0.9])
    assert fairness_trend.benjamini_hochberg([]) == []


def test_minimum_effect_counts_both_ways():
    assert fairness_trend.large_enough(1.15, 1.15)
    assert fairness_trend.large_enough(1 / 1.15, 1.15)
    assert not fairness_trend.large_enough(1.14, 1.15)
    assert not fairness_trend.large_enough(0.9, 1.15)  # 1 / 0.9 = 1.11
    assert fairness_trend.large_enough(None, 1.15)  # unbounded (separation)


def test_trend_cells_round_log_followers_and_floor_responses_at_one_second(make_db):
    rows = (
        conversations("z", 1, 0, reply_min=0.005)  # x = log10 1 = 0; 0.3 s counts as 1 s
        + conversations("f", 1, 150, reply_min=0.25)  # x = log10 151 = 2.18 -> 2.2; 15 s
        + conversations("g", 1, 150)  # the same cell, unanswered
        + conversations("u", 1, None, reply_min=1)  # unknown: not a cell
    )
    cells = sql.run(
        make_db(rows), "fairness_trend_cells", **WEEK.params(), split_channel=False
    ).to_dicts()
    assert [(c["followers_log10"], c["conversations_n"], c["answered_n"]) for c in cells] == [
        (0.0, 1, 1),
        (2.2, 2, 1),
    ]
    assert cells[0]["ln_first_response_s_sum"] == 0.0  # ln 1
    assert cells[1]["ln_first_response_s_sum"] == pytest.approx(math.log(15))
    assert cells[1]["ln_first_response_s_sq_sum"] == pytest.approx(math.log(15) ** 2)


def test_the_fairness_policy_is_read_from_the_config_file(tmp_path):
    assert (
        load_config().fairness_fdr,
        load_config().fairness_min_odds_ratio,
        load_config().fairness_min_speed_factor,
    ) == (0.05, 1.15, 1.15)
    (tmp_path / "chi.toml").write_text(
        "[fairness]\nfalse_discovery_rate = 0.1\nmin_speed_factor_per_10x = 1.5\n"
    )
    config = load_config(tmp_path)
    assert (config.fairness_fdr, config.fairness_min_odds_ratio) == (0.1, 1.15)
    assert config.fairness_min_speed_factor == 1.5


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("false_discovery_rate = 0", "false_discovery_rate must be between 0 and 1"),
        ("false_discovery_rate = 1.5", "false_discovery_rate must be between 0 and 1"),
        ("min_odds_ratio_per_10x = 0.8", "min_odds_ratio_per_10x must be at least 1"),
    ],
)
def test_an_impossible_fairness_policy_is_a_clear_error(tmp_path, line, problem):
    (tmp_path / "chi.toml").write_text(f"[fairness]\n{line}\n")
    with pytest.raises(ConfigError, match=rf"chi.toml: \[fairness\] {problem}"):
        load_config(tmp_path)


def test_trend_cells_take_whole_months_and_edge_days_from_the_stored_rollup(tmp_path, config):
    """Customers with 99 followers (x = log10 100 = 2.0), one conversation a day:
    27 Feb (out), 28 Feb answered after 1 s (ln 1 = 0), 10 Mar after 20 min (1200 s),
    1 Apr unanswered, 2 Apr (out). 28 Feb - 1 Apr reads March from the month grain and
    28 Feb, 1 Apr from the day grain."""
    days = {-4: 1 / 60, -3: 1 / 60, 7: 20.0, 29: None, 30: 1 / 60}  # days after 3 March
    rows = []
    for day, reply_min in days.items():
        cid = f"d{day}"
        rows.append(message(cid, "inbound", at(0, days=day), author_followers=99))
        if reply_min is not None:
            rows.append(message(cid, "outbound", at(reply_min, days=day)))
    write_rows(tmp_path, "interactions", rows)
    rollup.refresh(tmp_path, config)
    con = connection.connect(tmp_path, config)
    assert connection.rollup_status(con).source == connection.STORED
    period = Filters(dt.date(2025, 2, 28), dt.date(2025, 4, 1))
    (cell,) = sql.run(
        con, "fairness_trend_cells", **period.params(), split_channel=False
    ).to_dicts()
    assert (cell["followers_log10"], cell["conversations_n"], cell["answered_n"]) == (2.0, 3, 2)
    assert cell["ln_first_response_s_sum"] == pytest.approx(math.log(1200))
    assert cell["ln_first_response_s_sq_sum"] == pytest.approx(math.log(1200) ** 2)
