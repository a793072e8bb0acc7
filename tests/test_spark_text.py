"""The topics' text rules (queries/_macros.sql: customer_text, topic_text, topic_tokens,
topic_brand_words, topic_id_like) give the same strings on Spark, translated at run
time (dashboard/data/rollup/spark_sql.py, spark_regex.py), as on DuckDB, which runs
the macros themselves: messages chosen where RE2 and java.util.regex differ (word
boundaries next to accented letters, line ends other than \\n, the vertical tab,
Unicode case) and where the rules cut (quoted e-mail, retweets, URLs, mentions).
"""

from __future__ import annotations

import duckdb
import pytest

from tests.spark_support import shared_session, skip_without_spark

skip_without_spark()

from dashboard.data import sql  # noqa: E402
from dashboard.data.rollup import spark_sql  # noqa: E402

pytestmark = pytest.mark.spark

MESSAGES = [
    "Hello @acme's support, my order 12345 is late!!! https://x.com/a b",
    "RT @bob: the power cut. refund now",
    "Can't log in — café app; ios 11 at 7am",
    "line one\r\nOn Mon, Bob wrote:\n> quoted\nthanks",  # \r before the quote
    "éu-0123456789abcdef x",  # a pseudonym after é: RE2's \b is ASCII, Java 17's not
    "a\u2028b . c",  # a line separator: a line end in Java, not in RE2
    "Sent from my iPhone",
    "text\n-- \nsig",
    "&amp; &lt;3 &#39; done",
    "“@joe: hi there” ok",
    "mail me at a.b+c@Ex-ample.co.uk now",
    "WWW.Example.com/x?y and t.co/abc",
    "#Outage since 2024!!",
    "KELVIN \u212a test ſ",  # Kelvin sign, long s: Unicode case folding
    "ÉCOLE straße İstanbul ΟΔΟΣ",  # İ and a final Σ: Java's special casing
    "tab\tsep\x0bvt",  # a vertical tab: a space in Java, not in RE2
    "end with a newline\n",
    "",
    "   ",
    None,
]
BRANDS = ["Acme", "British_Airways", "AppleSupport", "VoltlineEnergy", "x.y-z", "KLM", "ÉDF"]

QUERY = """
select
    interaction_id,
    topic_text(text) as cleaned,
    topic_tokens(text) as tokens,
    topic_brand_words(brand) as brand_words,
    list_transform(topic_tokens(text), lambda t: topic_id_like(t)) as id_like
from interactions
"""


def _rows() -> list[tuple[str, str, str | None]]:
    return [(f"m{i:02d}", BRANDS[i % len(BRANDS)], text) for i, text in enumerate(MESSAGES)]


def _duckdb() -> list[tuple]:
    with duckdb.connect(":memory:") as con:
        sql.install_macros(con)
        con.execute(
            "create table interactions (interaction_id varchar, brand varchar, text varchar)"
        )
        con.executemany("insert into interactions values (?, ?, ?)", _rows())
        found = con.execute(QUERY + " order by interaction_id").fetchall()
    # a brand's words are a set (DuckDB's list_distinct keeps no order)
    return [(r[0], r[1], r[2], sorted(r[3]), r[4]) for r in found]


def _spark() -> list[tuple]:
    spark = shared_session()
    frame = spark.createDataFrame(_rows(), "interaction_id string, brand string, text string")
    frame.createOrReplaceTempView("topic_messages")
    text = spark_sql.translate_sql(QUERY).replace("FROM interactions", "FROM topic_messages")
    found = spark.sql(text + " ORDER BY interaction_id").collect()

    def listed(value):
        return None if value is None else list(value)

    return [(r[0], r[1], listed(r[2]), sorted(r[3]), listed(r[4])) for r in found]


def test_the_topic_macros_clean_and_tokenise_every_message_alike_on_spark():
    duck, sparked = _duckdb(), _spark()
    assert len(duck) == len(MESSAGES)
    for mine, theirs in zip(sparked, duck, strict=True):
        assert mine == theirs, MESSAGES[int(theirs[0][1:])]


def test_the_hand_checked_tokens_of_a_few_messages():
    tokens = {r[0]: r[2] for r in _duckdb()}
    # the mention "@acme's" and the URL go, '!!!' and ',' are one '|' each
    assert tokens["m00"] == [
        "hello",
        "support",
        "|",
        "my",
        "order",
        "12345",
        "is",
        "late",
        "|",
        "b",
    ]
    # a retweet is not the customer's text
    assert tokens["m01"] == []
    # the quoted e-mail from "On Mon, Bob wrote:" on is cut
    assert tokens["m03"] == ["line", "one"]
    # İ lowers to i, a final Σ to σ, as DuckDB lowers each letter
    assert tokens["m14"] == ["école", "straße", "istanbul", "οδοσ"]


def test_a_first_match_only_regexp_replace_is_refused_not_translated_differently():
    # Spark's regexp_replace replaces every match; DuckDB's without 'g' only the first
    with pytest.raises(spark_sql.TranslationError, match="without 'g'"):
        spark_sql.translate_sql("select regexp_replace(text, 'a', 'b') from interactions")
    with pytest.raises(spark_sql.TranslationError, match="not translated"):
        spark_sql.translate_sql(r"select regexp_matches(text, '[\b]') from interactions")
