"""Sentiment reads what the customer wrote: one test per cleaning rule of
dashboard/ingest/customer_text.py (expected texts written out by hand), and the
scores that follow from them."""

from __future__ import annotations

import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from dashboard.ingest import sentiment
from dashboard.ingest.customer_text import BrandTerms, customer_words, name_variants, words_of

VADER = SentimentIntensityAnalyzer()


def vader(text: str) -> float:
    return VADER.polarity_scores(text)["compound"]


def test_a_brand_handle_that_is_a_lexicon_word_no_longer_lifts_a_complaint() -> None:
    # the example: VADER reads "@united" as "united" (+1.8 in its lexicon)
    assert vader("@united my flight was delayed") == 0.2263
    assert customer_words("@united my flight was delayed") == "my flight was delayed"
    assert sentiment.score(["@united my flight was delayed"]) == [-0.2263]


def test_any_mention_is_removed_with_its_possessive() -> None:
    assert customer_words("thanks @united's crew and @Jo_Bloggs") == "thanks crew and"
    assert customer_words(".@AmericanAir where is my bag") == ". where is my bag"


def test_a_stored_pseudonym_mention_is_removed_whole() -> None:
    # the importers store customer handles as @u-<16 hex>; none of it is the customer's
    assert customer_words("@u-0123456789abcdef @AppleSupport you again") == "you again"


def test_links_are_removed_in_every_spelling() -> None:
    text = "see https://t.co/AbC123 and http://x.com/a?b=1 or www.united.com/bags now"
    assert customer_words(text) == "see and or now"
    assert customer_words("check united.com/help or t.co/xyz please") == "check or please"


def test_an_email_address_is_removed_before_links_and_mentions() -> None:
    # otherwise "united.com" would go as a link and leave "jo@" behind
    assert customer_words("mail me at jo.smith@united.com thanks") == "mail me at thanks"


def test_html_entities_are_decoded() -> None:
    # tweets exports keep "&amp;", "&lt;"; "<3" is in VADER's lexicon (+1.9)
    assert customer_words("bad &amp; worse &lt;3") == "bad & worse <3"


def test_hashtags_keep_their_words_and_camel_case_is_split() -> None:
    text = "#NeverAgain #fail #iPhone6 #CustomerServiceFail"
    assert customer_words(text) == "Never Again fail iPhone6 Customer Service Fail"
    # "#EpicFail" is one unknown token for VADER; split, "fail" (-2.5) is read
    assert vader("#EpicFail") == 0.0
    assert sentiment.score(["#EpicFail"]) == [vader("Epic Fail")]
    assert vader("Epic Fail") < -0.05


def test_a_retweet_is_another_authors_words() -> None:
    assert customer_words("still broken RT @comcastcares: Great news, fixed!") == "still broken"
    assert customer_words("RT @comcastcares: We're here to help!") == ""
    assert customer_words('yeah right "@united: We are so sorry" no') == "yeah right no"


def test_agent_sign_offs_are_removed_but_not_a_customers_capitals() -> None:
    assert customer_words("Have you tried another device, Miriam ^MM") == (
        "Have you tried another device, Miriam"
    )
    assert customer_words("Let us know /AY") == "Let us know"
    assert customer_words("Please DM us -AD") == "Please DM us"
    assert customer_words("it's great -NOT") == "it's great -NOT"
    assert customer_words("answer me -NO") == "answer me -NO"


def test_quoted_email_replies_and_footers_are_not_the_customers() -> None:
    reply = (
        "Still not fixed.\n\nOn Mon, 3 Mar 2025 at 10:00, Acme <help@acme.example> wrote:\n"
        "> Happy to help"
    )
    assert customer_words(reply) == "Still not fixed."
    assert customer_words("No.\n> We're delighted") == "No."
    assert customer_words("Refund please\n\nSent from my iPhone") == "Refund please"
    assert customer_words("Fine\n--\nJane\nHappy Homes") == "Fine"
    assert customer_words("Done\n-----Original Message-----\nGreat news") == "Done"
    assert customer_words("Ok\nFrom: Acme\nSent: today\nWe love you") == "Ok"


def test_a_sentence_starting_with_on_is_not_a_quote() -> None:
    # no digit on the line: not a mail client's "On <date> ... wrote:"
    assert customer_words("On Monday my friend wrote: it broke again") == (
        "On Monday my friend wrote: it broke again"
    )


def test_the_brand_name_is_removed_as_a_word_in_any_case_and_as_a_hashtag() -> None:
    united = BrandTerms.of(["united"])
    assert customer_words("United lost my bag, #united sucks, UNITED!", united) == (
        "lost my bag, sucks,!"
    )
    # a longer word that contains the name stays
    assert customer_words("reunited with my bag", united) == "reunited with my bag"


def test_a_handle_names_the_brand_in_its_words_spaced_joined_or_with_underscores() -> None:
    ba = BrandTerms.of(["British_Airways"])
    text = "British Airways and BritishAirways and british-airways lost it"
    assert customer_words(text, ba) == "and and lost it"
    apple = BrandTerms.of(["AppleSupport"])
    assert customer_words("Apple Support fixed it, apple rocks, Apple's update", apple) == (
        "fixed it, rocks, update"
    )


def test_the_words_of_a_handle() -> None:
    assert words_of("British_Airways") == ["British", "Airways"]
    assert words_of("UPSHelp") == ["UPS", "Help"]
    assert words_of("comcastcares") == ["comcastcares"]
    # a support account also names the brand; a one-word name is only itself
    assert name_variants("Ask_Spectrum") == {("ask", "spectrum"), ("spectrum",)}
    assert name_variants("AppleSupport") == {("apple", "support"), ("apple",)}
    assert name_variants("Support") == {("support",)}
    assert name_variants("Skyline Air") == {("skyline", "air")}


def test_text_with_nothing_of_the_customer_left_gets_no_score() -> None:
    # never an invented 0: a bare mention, punctuation, digits, an emoji VADER cannot read
    assert sentiment.score(["@united", ".@united ???", "1/2", "😡", "", None]) == [None] * 6


def test_an_emoticon_vader_knows_is_still_scored() -> None:
    assert vader(":)") == 0.4588
    assert sentiment.score(["@united :)"]) == [0.4588]


def test_neutral_words_are_a_real_zero() -> None:
    # letters VADER has no feeling for: a genuine neutral, not a missing value
    assert sentiment.score(["@united is the flight on time?"]) == [0.0]


def test_the_brand_of_each_message_decides_which_names_go() -> None:
    texts = ["United was great", "United was great"]
    # brand "united": "United" is its name, so only "was great" is scored
    scores = sentiment.score(texts, brands=["united", "Delta"], handles={"Delta": {"Delta"}})
    assert scores == [vader("was great"), vader("United was great")]
    assert scores[1] > scores[0]


@pytest.mark.parametrize("workers", [1, 2])
def test_scores_are_the_same_in_parallel_and_in_process(monkeypatch, workers) -> None:
    texts = ["@united my flight was delayed", "@united", "#EpicFail", None] * 6
    brands = ["united"] * len(texts)
    alone = sentiment.score(texts, workers=1, brands=brands)
    monkeypatch.setattr(sentiment, "PARALLEL_MIN", 4)
    monkeypatch.setattr(sentiment, "CHUNK", 5)
    assert sentiment.score(texts, workers=workers, brands=brands) == alone
    assert alone[:4] == [-0.2263, None, vader("Epic Fail"), None]
