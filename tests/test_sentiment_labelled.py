"""Sentiment against people: tests/fixtures/labelled_messages.csv holds 257 short
customer messages written for this suite (none copied from real data), each labelled
by hand positive / negative / neutral, with the brand it is addressed to. Many
mention handles that are VADER lexicon words (@united +1.8, @Support +1.7, @Honest
+2.3, @Glad +2.0, other users such as @thankful_, @happy__ or @best_), others brands whose
handles are not (@AmericanAir "thanks for nothing", @comcastcares, @sprintcare,
@VirginMedia, ...), and a few e-mails with the brand's quoted reply below.

VADER's usual cut-offs give the sign: >= 0.05 positive, <= -0.05 negative, else
neutral (a null score, nothing left to read, counts as neutral).

Measured with vaderSentiment 3.3.2: scoring the raw text agrees with the label on
125 of 257 messages (48.6%), scoring what the customer wrote on 172 (66.9%); on the
114 messages that carry a lexicon-word handle or brand name, 34 (29.8%) against 74
(64.9%).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from dashboard.ingest import sentiment

FIXTURE = Path(__file__).parent / "fixtures" / "labelled_messages.csv"
LEXICON_NAMES = (
    "united",
    "@support",
    "honest",
    "glad",
    "@thankful_",
    "@happy__",
    "@_love_",
    "@best_",
)


def sign(score: float | None) -> str:
    if score is None:
        return "neutral"
    if score >= 0.05:
        return "positive"
    return "negative" if score <= -0.05 else "neutral"


@pytest.fixture(scope="module")
def labelled() -> pl.DataFrame:
    frame = pl.read_csv(FIXTURE)
    # every brand answers from its own handle, as in twcs (brand = handle)
    handles = {b: {b} for b in frame["brand"].unique().to_list()}
    texts, brands = frame["text"].to_list(), frame["brand"].to_list()
    return frame.with_columns(
        pl.Series("raw", [sign(s) for s in sentiment.score_raw(texts)]),
        pl.Series(
            "cleaned", [sign(s) for s in sentiment.score(texts, brands=brands, handles=handles)]
        ),
    )


def agreement(frame: pl.DataFrame, column: str) -> int:
    return frame.filter(pl.col(column) == pl.col("label")).height


def test_the_labelled_set_is_large_and_varied(labelled: pl.DataFrame) -> None:
    assert labelled.height >= 200
    assert labelled["text"].n_unique() == labelled.height
    counts = dict(labelled.group_by("label").len().iter_rows())
    assert counts == {"negative": 134, "positive": 65, "neutral": 58}
    lexicon = labelled.filter(_names_a_lexicon_word())
    assert lexicon.height == 114


def _names_a_lexicon_word() -> pl.Expr:
    lower = pl.col("text").str.to_lowercase()
    return pl.any_horizontal([lower.str.contains(n, literal=True) for n in LEXICON_NAMES])


def test_scoring_what_the_customer_wrote_agrees_with_people_more_often(
    labelled: pl.DataFrame,
) -> None:
    raw, cleaned = agreement(labelled, "raw"), agreement(labelled, "cleaned")
    # measured: 125 / 257 raw, 172 / 257 cleaned
    assert raw == 125
    assert cleaned >= 172
    assert cleaned / labelled.height >= 0.66 > raw / labelled.height + 0.15


def test_the_gain_comes_from_handles_that_are_lexicon_words(labelled: pl.DataFrame) -> None:
    lexicon = labelled.filter(_names_a_lexicon_word())
    # measured: 34 / 114 raw (the handle reads as praise), 74 / 114 cleaned
    assert agreement(lexicon, "raw") == 34
    assert agreement(lexicon, "cleaned") >= 74
    # a neutral question to @united is no longer read as praise: raw, all 26 neutral
    # ones score positive; cleaned, 20 are neutral and the other 6 are VADER reading
    # the customer's own words ("safe for babies" +, "lost and found" -, "blocked" -)
    neutral = lexicon.filter(pl.col("label") == "neutral")
    assert neutral.height == 26
    assert neutral.filter(pl.col("raw") == "positive").height == 26
    assert neutral.filter(pl.col("cleaned") == "neutral").height >= 20
    assert neutral.filter(pl.col("cleaned") == "positive").height <= 3


def test_cleaning_never_turns_a_message_people_call_positive_negative(
    labelled: pl.DataFrame,
) -> None:
    flipped = labelled.filter((pl.col("label") == "positive") & (pl.col("cleaned") == "negative"))
    assert flipped.height == 0


AIRLINES = ("united", "Delta", "AmericanAir", "SouthwestAir", "JetBlue", "British_Airways")


def test_the_airlines_rank_as_people_label_them_once_handles_are_ignored() -> None:
    # the issue on this suite's 161 airline messages: mood = 50 x (1 + mean score) per
    # airline, against people's mean label (+1 / 0 / -1). Measured: raw mood ranks
    # United happiest (69.7) although its messages are labelled the most negative
    # (-0.38); Spearman raw -0.20, cleaned 0.71 (United 51.1, fifth of six)
    frame = pl.read_csv(FIXTURE).filter(pl.col("brand").is_in(AIRLINES))
    texts, brands = frame["text"].to_list(), frame["brand"].to_list()
    handles = {b: {b} for b in AIRLINES}
    per_airline = (
        frame.with_columns(
            pl.Series("raw", sentiment.score_raw(texts), dtype=pl.Float64),
            pl.Series("cleaned", sentiment.score(texts, brands=brands, handles=handles)),
            pl.col("label").replace_strict({"positive": 1, "neutral": 0, "negative": -1}),
        )
        .group_by("brand")
        .agg(
            pl.len().alias("n"),
            pl.col("label").mean(),
            (50 * (1 + pl.col("raw").mean())).alias("mood_raw"),
            (50 * (1 + pl.col("cleaned").mean())).alias("mood_cleaned"),
        )
    )
    assert per_airline["n"].sum() == 161
    happiest_raw = per_airline.sort("mood_raw", descending=True)["brand"][0]
    saddest_people = per_airline.sort("label")["brand"][0]
    assert happiest_raw == saddest_people == "united"
    rho = per_airline.select(
        raw=pl.corr("label", "mood_raw", method="spearman"),
        cleaned=pl.corr("label", "mood_cleaned", method="spearman"),
    ).row(0, named=True)
    assert rho["raw"] == pytest.approx(-0.2)
    assert rho["cleaned"] >= 0.71
