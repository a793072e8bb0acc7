"""Every importer on the real public samples in ../shared/data/real (skipped when absent).

Expected figures were checked by reading the files independently (plain csv/json
code, union-find over reply ids): see the comments at each number.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import polars as pl
import pytest

from dashboard.core.config import load_config
from dashboard.data import connection, sql
from dashboard.ingest import IngestError, ingest_files

# ../shared/data/real beside the checkout; CHI_REAL_DATA points elsewhere (a git worktree)
REAL = Path(
    os.environ.get("CHI_REAL_DATA") or Path(__file__).resolve().parents[2] / "shared/data/real"
)

pytestmark = pytest.mark.skipif(
    not REAL.is_dir(), reason=f"real data samples not found at {REAL} (shared/data/real)"
)


def interactions(data_dir: Path) -> pl.DataFrame:
    return pl.read_parquet(data_dir / "interactions" / "**" / "*.parquet")


def conversations(data_dir: Path) -> pl.DataFrame:
    return sql.run(connection.connect(data_dir, load_config()), "conversations")


def test_twcs_sample_rebuilds_27_threads_of_13_brands(tmp_path):
    summary = ingest_files([REAL / "twcs_sample/sample.csv"], "twcs", tmp_path)
    # 93 tweets, 49 inbound=True and 44 inbound=False; nothing malformed
    assert (summary.rows_read, summary.accepted, summary.rejected_total) == (93, 93, 0)
    assert len(summary.brands) == 13 and "AppleSupport" in summary.brands
    rows = interactions(tmp_path)
    assert rows.height == 93
    assert rows.filter(pl.col("direction") == "inbound").height == 49
    # union-find over in_response_to (+ response lists) gives 27 roots
    assert rows["conversation_id"].n_unique() == 27
    per_brand = dict(rows.group_by("brand").agg(pl.col("conversation_id").n_unique()).iter_rows())
    # 11 threads answered by AppleSupport + 119237, which only @mentions it
    assert per_brand["AppleSupport"] == 12
    assert per_brand["Tesco"] == 3
    # 119246 answers the missing 119247: the thread is named after the missing tweet
    assert rows.filter(pl.col("interaction_id") == "119242")["conversation_id"][0] == "119247"
    assert any("missing from the file" in note for note in summary.notes)
    assert conversations(tmp_path).height == 27


def test_twcs_sample_keeps_no_customer_id_but_keeps_brand_handles(tmp_path):
    ingest_files([REAL / "twcs_sample/sample.csv"], "twcs", tmp_path)
    rows = interactions(tmp_path)
    inbound = rows.filter(pl.col("direction") == "inbound")
    assert inbound["author_id"].str.starts_with("u-").all()
    assert "105834" not in " ".join(rows["author_id"].to_list())
    # the customer @105835 in a brand reply became a pseudonym too
    reply = rows.filter(pl.col("interaction_id") == "119238")["text"][0]
    assert reply.startswith("@u-") and "105835" not in reply
    outbound = set(rows.filter(pl.col("direction") == "outbound")["author_id"].to_list())
    assert {"AppleSupport", "Tesco", "VirginTrains"} <= outbound


def test_twcs_sample_gets_a_sentiment_on_every_inbound_tweet(tmp_path):
    summary = ingest_files([REAL / "twcs_sample/sample.csv"], "twcs", tmp_path)
    assert summary.sentiment_scored == 49
    rows = interactions(tmp_path)
    assert rows.filter(pl.col("direction") == "inbound")["sentiment"].null_count() == 0
    assert rows.filter(pl.col("direction") == "outbound")["sentiment"].null_count() == 44


# Agents per brand on the real sample, read by eye from the 44 brand replies
# (signatures.py): brand -> (replies, signed, {agent: replies}). AppleSupport, O2 and
# Ask_Spectrum sign nothing; Tesco's "... underage sales. Amanda" has no mark and is
# missed on purpose; British_Airways' "... 15:30. 1/2" is the unsigned first half.
TWCS_AGENTS = {
    "AppleSupport": (13, 0, {}),
    "Ask_Spectrum": (1, 0, {}),
    "British_Airways": (3, 2, {"JR": 1, "Jools": 1}),  # "2/2 ^JR", "Kind Regards ^Jools"
    "ChaseSupport": (1, 1, {"RR": 1}),  # "^RR https://t.co/..."
    "HPSupport": (1, 1, {"Rashmi": 1}),  # "^Rashmi https://t.co/..."
    "O2": (1, 0, {}),
    "SouthwestAir": (1, 1, {"AC": 1}),
    "SpotifyCares": (8, 8, {"AY": 5, "MU": 2, "CP": 1}),  # "/AY"
    "Tesco": (8, 7, {"Mike": 2, "Paige": 1, "Helena": 1, "Dani": 1, "Chris": 1, "Lee": 1}),
    "UPSHelp": (1, 1, {"ML": 1}),  # "^ML  <link> <link>"
    "VirginTrains": (4, 3, {"MM": 2, "HP": 1}),
    "comcastcares": (1, 1, {"AD": 1}),  # "-AD"
    "sprintcare": (1, 1, {"AC": 1}),  # "Sprint Cares. -AC"
}


def test_twcs_sample_agents_per_brand_as_read_by_eye(tmp_path):
    summary = ingest_files([REAL / "twcs_sample/sample.csv"], "twcs", tmp_path)
    rows = interactions(tmp_path)
    # no customer tweet carries an agent
    assert rows.filter(pl.col("direction") == "inbound")["agent_id"].null_count() == 49
    replies = rows.filter(pl.col("direction") == "outbound")
    got = {}
    for (brand,), part in replies.group_by("brand"):
        signed = part["agent_id"].drop_nulls()
        got[brand] = (part.height, signed.len(), dict(signed.value_counts().iter_rows()))
    assert got == TWCS_AGENTS
    # 26 of 44 replies signed, by 19 agents (counted per brand: SouthwestAir's and
    # sprintcare's "AC" are two people)
    assert "agents: 26 of the 44 new brand replies name their agent (19 agents)" in (
        summary.lines()
    )


def test_twitter_v1_timeline_has_no_signed_tweet(tmp_path):
    # dewitt's own tweets (a person, not a care team): none ends in a signature
    ingest_files(
        [REAL / "twitter_api_v1/get_user_timeline.json"], "twitter-json", tmp_path, brand="dewitt"
    )
    rows = interactions(tmp_path)
    assert rows.filter(pl.col("direction") == "outbound").height == 20
    assert rows["agent_id"].null_count() == rows.height


def test_tickets_sample_has_no_agent_column(tmp_path):
    summary = ingest_files(
        [REAL / "support_tickets/customer_support_tickets.csv"],
        "tickets",
        tmp_path,
        brand="TechShop",
    )
    assert interactions(tmp_path)["agent_id"].null_count() == interactions(tmp_path).height
    assert any(line.startswith("agents: none of the ") for line in summary.lines())


def test_tickets_sample_rejects_the_1292_resolved_before_answered(tmp_path):
    summary = ingest_files(
        [REAL / "support_tickets/customer_support_tickets.csv"],
        "tickets",
        tmp_path,
        brand="TechShop",
    )
    # 8,469 tickets; 1,292 have Time to Resolution < First Response Time (all Closed)
    assert summary.rows_read == 8469
    assert summary.rejected == {
        "column 'Time to Resolution': resolution precedes the first response": 1292
    }
    assert summary.accepted == 7177
    assert summary.rejects_files and summary.rejects_files[0].is_file()
    assert pl.read_csv(summary.rejects_files[0]).height == 1292
    # an opening and a first reply per ticket, a closing event for the 2,808 - 1,292
    # Closed tickets left
    assert summary.rows_written == {"interactions": 7177 * 2 + 1516}
    assert set(summary.channels) == {"chat", "email", "other", "phone"}
    convs = conversations(tmp_path)
    assert convs.height == 7177
    assert convs["csat"].is_not_null().sum() == 1516  # ratings exist on Closed tickets only
    assert convs.filter(pl.col("resolved"))["csat"].null_count() == 0


def test_tickets_sample_invents_no_creation_time_and_says_what_is_biased(tmp_path):
    summary = ingest_files(
        [REAL / "support_tickets/customer_support_tickets.csv"],
        "tickets",
        tmp_path,
        brand="TechShop",
    )
    rows = interactions(tmp_path)
    opening = rows.filter(pl.col("interaction_id").str.ends_with(":open"))
    reply = rows.filter(pl.col("interaction_id").str.ends_with(":reply"))
    paired = opening.join(reply, on="conversation_id", suffix="_reply")
    # the file has no creation time: each opening sits at its first response, marked
    # unknown; none at midnight unless the first response itself was then
    assert paired.height == 7177
    assert (paired["created_at"] == paired["created_at_reply"]).all()
    assert opening["time_known"].to_list() == [False] * 7177
    assert reply["time_known"].null_count() == 7177
    assert summary.dates == ["dates read as ISO 8601"]
    # 2,808 of the 8,469 tickets are Closed (33.2 %); the 1,292 rejected are all Closed,
    # which leaves 1,516 of 7,177 accepted (21.1 %)
    assert summary.warnings == [
        "speed unavailable for 7,177 tickets: the file has no creation time (first "
        "response cannot be measured); each opening is stored at its first response with "
        "time_known = false",
        "all 1,292 rejected rows have Ticket Status = Closed: resolution is biased "
        "(Closed: 21 % of the accepted rows against 33 % in the file)",
    ]
    assert "warning: all 1,292 rejected rows have Ticket Status = Closed" in "\n".join(
        summary.lines()
    )


def test_tickets_sample_stores_no_customer_name_or_email(tmp_path):
    ingest_files(
        [REAL / "support_tickets/customer_support_tickets.csv"],
        "tickets",
        tmp_path,
        brand="TechShop",
    )
    rows = interactions(tmp_path)
    blob = " ".join(rows["author_id"].to_list()) + " ".join(rows["text"].drop_nulls().to_list())
    assert "@example.com" not in blob and "Ethan Dillon" not in blob
    assert "{product_purchased}" not in blob


def test_facebook_sample_gives_500_posts_on_241_days_of_2014(tmp_path):
    summary = ingest_files(
        [REAL / "facebook_page_posts/dataset_Facebook.csv"],
        "facebook-posts",
        tmp_path,
        brand="Cosmetics",
        year=2014,
    )
    assert (summary.rows_read, summary.accepted, summary.rejected_total) == (500, 500, 0)
    assert any("not UTF-8" in note for note in summary.notes)
    audience = pl.read_parquet(tmp_path / "audience" / "**" / "*.parquet")
    assert audience.height == summary.rows_written["audience"] == 241
    # column sums of the file (empty like/share cells count 0: Total Interactions agrees)
    assert audience["posts"].sum() == 500
    assert audience["likes"].sum() == 88795
    assert audience["comments"].sum() == 3741
    assert audience["shares"].sum() == 13524
    newest = audience.sort("date").row(-1, named=True)
    assert str(newest["date"]) == "2014-12-31" and newest["followers"] == 139441
    assert audience["date"].dt.year().unique().to_list() == [2014]


def test_twitter_v1_mentions_of_a_bot_are_all_inbound(tmp_path):
    summary = ingest_files(
        [REAL / "twitter_api_v1/get_mentions.json"], "twitter-json", tmp_path, brand="himawari8bot"
    )
    assert (summary.rows_read, summary.accepted) == (19, 19)
    rows = interactions(tmp_path)
    assert set(rows["direction"]) == {"inbound"}
    source = json.loads((REAL / "twitter_api_v1/get_mentions.json").read_text())
    followers = {t["id_str"]: t["user"]["followers_count"] for t in source}
    stored = dict(rows.select("interaction_id", "author_followers").iter_rows())
    assert stored == followers
    handles = {t["user"]["screen_name"].lower() for t in source}
    assert not handles & set(rows["author_id"].to_list())


def test_twitter_v1_timeline_rejects_retweets(tmp_path):
    summary = ingest_files(
        [REAL / "twitter_api_v1/get_home_timeline.json"],
        "twitter-json",
        tmp_path,
        brand="notinourselves",
    )
    # 14 of the 20 tweets carry retweeted_status; the 6 others are the brand's own
    assert summary.rejected == {"column 'retweeted_status': a retweet, not a message": 14}
    assert summary.accepted == 6
    assert set(interactions(tmp_path)["author_id"]) == {"notinourselves"}


def test_twitter_v1_file_of_only_retweets_is_fatal_and_names_the_row(tmp_path):
    with pytest.raises(
        IngestError,
        match=r"get_retweets_count.json row 1 column "
        r"'retweeted_status'.*no usable rows",
    ):
        ingest_files(
            [REAL / "twitter_api_v1/get_retweets_count.json"],
            "twitter-json",
            tmp_path,
            brand="anyone",
        )
    assert not (tmp_path / "interactions").exists()
