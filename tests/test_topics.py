"""Topics and drivers of mood (docs/METRICS.md, "Topics") on tiny hand-made logs, with
the expected counts, log-odds and intervals worked out by hand."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from dashboard.cli import main
from dashboard.core.config import Config, ConfigError, load_config
from dashboard.core.filters import Filters
from dashboard.data import connection, rollup, sql
from dashboard.views import topics
from tests.conftest import T0, at, message, write_rows

DAY = T0.date()


def inbound(cid: str, text: str | None, sentiment: float | None, brand: str = "Acme", **extra):
    return message(cid, "inbound", at(), brand=brand, text=text, sentiment=sentiment, **extra)


def terms_of(con, brand: str = "Acme") -> dict[str, int]:
    """term -> messages containing it, from the model query (totals row left out)."""
    rows = sql.run(con, "term_daily_counts", tz="UTC").filter(
        pl.col("term").is_not_null() & (pl.col("brand") == brand)
    )
    return dict(zip(rows["term"].to_list(), rows["messages_n"].to_list(), strict=True))


def selection(*brands: str) -> Filters:
    return Filters(DAY, DAY, tuple(brands))


# --- what a term is ------------------------------------------------------------------


def test_handles_urls_ids_pseudonyms_stop_words_and_the_brand_name_are_no_terms(make_db):
    con = make_db(
        [
            inbound(
                "c1",
                "@AcmeHelp my parcel 12345678 never came!! see https://t.co/abc and "
                "u-0123456789abcdef, Acme's driver @u-89abcdef01234567 #LostParcel",
                -0.5,
            )
        ]
    )
    # the handles, the link and the pseudonyms go with the text cleaning; the tokens
    # left: my parcel 12345678 never came | see and | acme's driver lostparcel. Kept
    # (2+ characters, not a stop word, not 4+ digits, not the brand's name "acme" with
    # or without 's): parcel, never, came, see, driver, lostparcel. Phrases: two kept
    # tokens side by side: "never came" (the id stands between parcel and never),
    # "driver lostparcel" (the mention between them went with the cleaning).
    assert terms_of(con) == {
        "parcel": 1,
        "never": 1,
        "came": 1,
        "never came": 1,
        "see": 1,
        "driver": 1,
        "lostparcel": 1,
        "driver lostparcel": 1,
    }


def test_a_phrase_never_spans_punctuation_and_a_message_counts_a_term_once(make_db):
    con = make_db([inbound("c1", "Power cut. Refund now, power cut again; power cut!", -0.9)])
    # tokens: power cut | refund now | power cut again | power cut |; "now" and "again"
    # are stop words. "power cut" three times in one message counts once; there is no
    # "cut refund" across the full stop
    assert terms_of(con) == {"power": 1, "cut": 1, "power cut": 1, "refund": 1}


def test_negations_are_words_and_quoted_mail_is_not_the_customers(make_db):
    text = "No electricity at all\n\nOn 3 Mar 2025, Acme wrote:\n> your meter reading"
    con = make_db([inbound("c1", text, -0.7, channel="email")])
    # "no" is kept (stop list minus no, nor, not); "at" and "all" are stop words; the
    # quoted reply from "On ... wrote:" on is the brand's, not the customer's
    assert terms_of(con) == {"no": 1, "electricity": 1, "no electricity": 1}


def test_only_inbound_text_counts_and_the_totals_row_has_every_message_with_text(make_db):
    con = make_db(
        [
            inbound("c1", "outage", -0.8),
            message("c1", "outbound", at(5), text="sorry about the outage"),
            inbound("c2", "the", 0.5),  # a stop word only: no term, still a message
            inbound("c3", None, None),  # no text: not a message of the topics
        ]
    )
    rows = sql.run(con, "term_daily_counts", tz="UTC")
    totals = rows.filter(pl.col("term").is_null()).row(0, named=True)
    # messages with text: c1's inbound and c2's (2); both have a sentiment:
    # sum -0.8 + 0.5 = -0.3, squares 0.64 + 0.25 = 0.89
    assert (totals["messages_n"], totals["sentiment_n"]) == (2, 2)
    assert totals["sentiment_sum"] == pytest.approx(-0.3)
    assert totals["sentiment_sq_sum"] == pytest.approx(0.89)
    assert terms_of(con) == {"outage": 1}


# --- the log-odds ratio with an informative Dirichlet prior --------------------------


# Acme: outage (-0.8), outage (-0.6), refund (0.2), refund (0.4)
# Bolt: refund (0.5), refund (0.1), delivery (0.0), delivery (0.3)
def two_brands() -> list[dict]:
    return [
        inbound("a1", "outage", -0.8),
        inbound("a2", "Outage!", -0.6),
        inbound("a3", "refund", 0.2),
        inbound("a4", "refund?", 0.4),
        inbound("b1", "refund", 0.5, brand="Bolt"),
        inbound("b2", "refund", 0.1, brand="Bolt"),
        inbound("b3", "delivery", 0.0, brand="Bolt"),
        inbound("b4", "delivery", 0.3, brand="Bolt"),
    ]


@pytest.fixture
def small_prior(config: Config) -> Config:
    # the default prior: alpha_0 = the corpus's 8 term occurrences, so alpha_w = the
    # term's corpus count: outage 2, refund 4, delivery 2; every term kept from 1 message
    assert config.topics_prior_size is None  # prior_size = "corpus"
    return dataclasses.replace(config, topics_min_count=1)


def test_a_word_only_one_brand_uses_stands_out_and_a_shared_one_scores_zero(make_db, small_prior):
    con = make_db(two_brands(), cfg=small_prior)
    frame = topics.topics(con, small_prior, selection("Acme"))
    assert frame.columns == ["term", "count", "score", "mood", "n_messages"]
    assert frame["term"].to_list() == ["outage", "refund"]
    outage, refund = frame.rows(named=True)
    # outage: y_i = 2 of n_i = 4 (Acme), y_j = 0 of n_j = 4 (Bolt), alpha = 2, a0 = 8
    #   delta = ln((2+2)/(4+8-2-2)) - ln((0+2)/(4+8-0-2)) = ln(4/8) - ln(2/10) = 0.916291
    #   variance = 1/(2+2) + 1/(0+2) = 0.75; z = 0.916291 / sqrt(0.75) = 1.058041
    assert outage["count"] == 2
    assert outage["score"] == pytest.approx(1.058041, abs=1e-6)
    assert outage["mood"] == pytest.approx(-0.7)  # (-0.8 - 0.6) / 2
    assert outage["n_messages"] == 2
    # refund: y_i = 2, y_j = 2, alpha = 4: ln(6/6) - ln(6/6) = 0, so z = 0
    assert refund["score"] == pytest.approx(0.0, abs=1e-12)
    assert refund["mood"] == pytest.approx(0.3)  # (0.2 + 0.4) / 2


def test_every_brand_against_the_others_is_symmetric(make_db, small_prior):
    con = make_db(two_brands(), cfg=small_prior)
    frame = topics.topics_by_brand(con, small_prior, selection())
    bolt = frame.filter(pl.col("brand") == "Bolt")
    # delivery is to Bolt what outage is to Acme: the same counts, the same z
    assert bolt["term"].to_list() == ["delivery", "refund"]
    assert bolt["score"][0] == pytest.approx(1.058041, abs=1e-6)
    assert bolt["others_count"].to_list() == [0, 2]
    assert bolt["messages"].to_list() == [4, 4]
    assert frame.filter(pl.col("brand") == "Acme")["rank"].to_list() == [1, 2]


def test_a_rare_word_scores_below_a_frequent_one_with_the_same_share(make_db, config):
    # Acme says "outage" in 1 of its 2 messages and "refund" in 10 of its 20 (the
    # other halves say "hello"); Bolt says neither: the same share, but the rare word
    # rests on one message. A fixed prior: alpha_0 = 1000.
    rows = [inbound("a-o", "outage", -0.5), inbound("a-h", "hello", 0.1)]
    rows += [inbound(f"r{i}", "refund", 0.0) for i in range(10)]
    rows += [inbound(f"h{i}", "hello", 0.0) for i in range(10)]
    rows += [inbound(f"b{i}", "delivery", 0.0, brand="Bolt") for i in range(20)]
    cfg = dataclasses.replace(config, topics_min_count=1, topics_prior_size=1000.0)
    con = make_db(rows, cfg=cfg)
    scores = dict(topics.topics(con, cfg, selection("Acme")).select("term", "score").rows())
    # corpus: outage 1, refund 10, hello 11, delivery 20 (N = 42); alpha_w = 1000 x
    # count / 42. outage: y_i = 1, n_i = 22, y_j = 0, n_j = 20, alpha = 23.81:
    #   delta = ln(24.81/(22+1000-1-23.81)) - ln(23.81/(20+1000-23.81)) = 0.040139
    #   variance = 1/24.81 + 1/23.81 = 0.082307, z = 0.040139 / 0.286892 = 0.139908
    # refund: y_i = 10, y_j = 0, alpha = 238.10:
    #   delta = ln(248.10/773.90) - ln(238.10/781.90) = 0.051426
    #   variance = 1/248.10 + 1/238.10 = 0.008231, z = 0.051426 / 0.090723 = 0.566845
    assert scores["outage"] == pytest.approx(0.139908, abs=1e-6)
    assert scores["refund"] == pytest.approx(0.566845, abs=1e-6)
    assert scores["outage"] < scores["refund"]


def test_terms_under_the_minimum_count_are_suppressed(make_db, small_prior):
    con = make_db(two_brands(), cfg=small_prior)
    # each of Acme's terms is in 2 messages: kept at 2, suppressed at 3
    assert topics.topics(con, small_prior, selection("Acme"), min_count=2).height == 2
    assert topics.topics(con, small_prior, selection("Acme"), min_count=3).is_empty()
    strict = dataclasses.replace(small_prior, topics_min_count=3)
    assert topics.topics(con, strict, selection("Acme")).is_empty()
    assert topics.drivers(con, strict, selection("Acme")).is_empty()


def test_without_another_brand_there_is_nothing_to_stand_out_against(make_db, small_prior):
    con = make_db(two_brands(), cfg=small_prior)
    assert topics.topics(con, small_prior, selection()).is_empty()  # no brand chosen
    assert topics.topics(con, small_prior, selection("Acme", "Bolt")).is_empty()


# --- drivers of negative mood --------------------------------------------------------


def test_a_term_in_the_unhappy_messages_lowers_mood_with_welchs_interval(make_db, small_prior):
    con = make_db(two_brands(), cfg=small_prior)
    frame = topics.drivers(con, small_prior, selection("Acme"))
    assert frame.columns == [
        "term",
        "n",
        "mood_with",
        "mood_without",
        "effect",
        "effect_low",
        "effect_high",
    ]
    assert frame["term"].to_list() == ["outage", "refund"]  # most negative first
    outage = frame.row(0, named=True)
    # with outage: -0.8, -0.6 (mean -0.7); without: 0.2, 0.4 (mean 0.3); effect -1.0
    # variances: (0.64 + 0.36 - 1.4^2 / 2) / 1 = 0.02 and (0.04 + 0.16 - 0.6^2 / 2) / 1
    # = 0.02; se = sqrt(0.02/2 + 0.02/2) = 0.141421; Welch df = (0.01 + 0.01)^2 /
    # (0.01^2/1 + 0.01^2/1) = 2, t(2) = 4.303: half width 0.608536
    assert outage["n"] == 2
    assert outage["mood_with"] == pytest.approx(-0.7)
    assert outage["mood_without"] == pytest.approx(0.3)
    assert outage["effect"] == pytest.approx(-1.0)
    assert outage["effect_low"] == pytest.approx(-1.608536, abs=1e-5)
    assert outage["effect_high"] == pytest.approx(-0.391464, abs=1e-5)
    refund = frame.row(1, named=True)
    assert refund["effect"] == pytest.approx(1.0)  # the mirror image: lifts mood


def test_drivers_need_two_messages_with_a_mood_on_each_side(make_db, small_prior, tmp_path: Path):
    rows = [*two_brands(), inbound("a5", "outage", None)]  # a third outage, no mood
    con = make_db(rows, cfg=small_prior)
    frame = topics.drivers(con, small_prior, selection("Acme"))
    outage = frame.filter(pl.col("term") == "outage").row(0, named=True)
    assert outage["n"] == 2  # the message without a sentiment is no evidence of mood
    # Bolt alone: delivery's messages 0.0, 0.3 vs refund's 0.5, 0.1: both sides have 2
    bolt = topics.drivers(con, small_prior, selection("Bolt"))
    assert set(bolt["term"]) == {"delivery", "refund"}
    # one message on each side: no variance, no driver
    lone = [inbound("x1", "outage", -0.5), inbound("x2", "fine", 0.5)]
    write_rows(tmp_path / "lone", "interactions", lone)
    lone_con = connection.connect(tmp_path / "lone", small_prior)
    assert topics.drivers(lone_con, small_prior, selection("Acme")).is_empty()


# --- stored, in memory, time zones, brand names --------------------------------------


def _term_rows(con, tz: str = "UTC") -> pl.DataFrame:
    sql.ensure_term_zone(con, tz)
    frame = con.sql(
        "select * exclude (tz) from term_daily_counts where tz = $tz", params={"tz": tz}
    ).pl()
    return frame.sort(["day", "brand", "channel", "term"], nulls_last=False)


def test_stored_term_counts_equal_the_in_memory_computation(tmp_path: Path, config: Config):
    # 2025-03-04 01:00 UTC: the next day in UTC, still 3 March in New York
    late = message("c9", "inbound", at(minutes=16 * 60), text="outage again", sentiment=-1.0)
    write_rows(tmp_path, "interactions", [*two_brands(), late])
    reference = _term_rows(connection.connect_in_memory(tmp_path, config))
    rollup.refresh(tmp_path, config)
    assert (tmp_path / "rollups" / "term_daily").is_dir()
    con = connection.connect(tmp_path, config)
    assert connection.rollup_status(con).source == connection.STORED
    assert_frame_equal(_term_rows(con), reference)  # sums equal to float rounding
    # another zone is tokenised on first use: 2025-03-04 01:00 UTC is 03-03 in New York
    new_york = _term_rows(con, "America/New_York")
    assert_frame_equal(
        new_york, _term_rows(connection.connect_in_memory(tmp_path, config), "America/New_York")
    )
    assert set(new_york["day"]) == {DAY}


def test_two_source_names_given_one_display_name_are_one_brand(tmp_path: Path):
    write_rows(tmp_path, "interactions", two_brands())
    (tmp_path / "chi.toml").write_text(
        '[brands]\nAcme = "Acme Group"\nBolt = "Acme Group"\n[topics]\nmin_count = 1\n'
    )
    config = load_config(tmp_path)
    rollup.refresh(tmp_path, config)
    con = connection.connect(tmp_path, config)
    frame = topics.drivers(con, config, selection("Acme Group"))
    # one brand of 8 messages: refund in 4 (0.2, 0.4, 0.5, 0.1: mean 0.3), against
    # the other 4 (-0.8, -0.6, 0.0, 0.3: mean -0.275)
    refund = frame.filter(pl.col("term") == "refund").row(0, named=True)
    assert refund["n"] == 4
    assert refund["mood_without"] == pytest.approx(-0.275)


def test_examples_are_the_brands_messages_with_the_term_without_handles(make_db):
    con = make_db(
        [
            inbound("a1", "@AcmeHelp power cut on my street", -0.8),
            inbound("a2", "the power is fine, cut the price", 0.1),  # both words, apart
            inbound("b1", "power cut here too", -0.8, brand="Bolt"),
        ]
    )
    frame, total = topics.examples(con, selection("Acme"), "Acme", "power cut")
    assert total == 1
    assert frame["conversation_id"].to_list() == ["a1"]
    assert frame["text"][0].strip() == "power cut on my street"


# --- chi report topics ---------------------------------------------------------------


def _report(capsys, data_dir: Path, *flags: str) -> list[dict]:
    assert (
        main(
            [
                "report",
                "topics",
                "--data",
                str(data_dir),
                "--format",
                "json",
                "--precision",
                "full",
                *flags,
            ]
        )
        == 0
    )
    return json.loads(capsys.readouterr().out)


def test_report_prints_each_brands_terms_by_how_much_they_stand_out(capsys, tmp_path: Path):
    write_rows(tmp_path, "interactions", two_brands())
    (tmp_path / "chi.toml").write_text("[topics]\nprior_size = 8\n")  # = the corpus
    rows = _report(capsys, tmp_path, "--min-count", "2")
    assert [(r["brand"], r["rank"], r["term"], r["count"]) for r in rows] == [
        ("Acme", 1, "outage", 2),
        ("Acme", 2, "refund", 2),
        ("Bolt", 1, "delivery", 2),
        ("Bolt", 2, "refund", 2),
    ]
    assert rows[0]["score"] == pytest.approx(1.058041, abs=1e-6)  # worked above
    assert rows[0]["mood"] == pytest.approx(-0.7)
    assert list(rows[0])[:7] == ["brand", "rank", "term", "count", "score", "mood", "n_messages"]
    # the default min count (10) suppresses every term of this tiny log
    assert _report(capsys, tmp_path) == []
    # one brand; the drivers instead
    drivers = _report(capsys, tmp_path, "--brand", "Acme", "--drivers", "--min-count", "2")
    assert [(r["term"], r["n"]) for r in drivers] == [("outage", 2), ("refund", 2)]
    assert drivers[0]["effect"] == pytest.approx(-1.0)
    assert drivers[0]["effect_high"] == pytest.approx(-0.391464, abs=1e-5)


def test_report_csv_has_the_documented_columns(capsys, tmp_path: Path):
    write_rows(tmp_path, "interactions", two_brands())
    assert main(["report", "topics", "--data", str(tmp_path), "--min-count", "1"]) == 0
    header = capsys.readouterr().out.splitlines()[0]
    assert header == ("brand,rank,term,count,score,mood,n_messages,others_count,log_odds,messages")


def test_topics_config_reads_min_count_and_prior_size_and_refuses_bad_values(tmp_path: Path):
    assert (load_config().topics_min_count, load_config().topics_prior_size) == (10, None)
    (tmp_path / "chi.toml").write_text("[topics]\nmin_count = 3\nprior_size = 500\n")
    config = load_config(tmp_path)
    assert (config.topics_min_count, config.topics_prior_size) == (3, 500.0)
    for bad in ("min_count = 0", "min_count = 2.5", "prior_size = -1", 'prior_size = "big"'):
        (tmp_path / "chi.toml").write_text(f"[topics]\n{bad}\n")
        with pytest.raises(ConfigError, match=r"\[topics\]"):
            load_config(tmp_path)


def test_stale_months_are_counted_in_memory_beside_the_stored_ones(tmp_path: Path, config):
    write_rows(tmp_path, "interactions", two_brands())
    rollup.refresh(tmp_path, config)
    # an April message after the rollups were stored: its month is counted in memory
    april = message("c9", "inbound", at(days=31), text="outage again", sentiment=-1.0)
    write_rows(tmp_path, "interactions", [april])
    con = connection.connect(tmp_path, config)
    assert connection.rollup_status(con).source == connection.PARTIAL
    rows = _term_rows(con)
    assert_frame_equal(rows, _term_rows(connection.connect_in_memory(tmp_path, config)))
    # March from its stored file (8 messages), April from memory (1)
    totals = rows.filter(pl.col("term").is_null()).group_by("day").agg(pl.col("messages_n").sum())
    assert dict(totals.sort("day").rows()) == {DAY: 8, dt.date(2025, 4, 3): 1}
