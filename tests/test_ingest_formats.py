"""Each format on tiny hand-made files (tests/fixtures/ingest), good and broken.

Every test that reads rows also checks that nothing is lost:
accepted + rejected + duplicates skipped == rows read.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import polars as pl
import pytest

from dashboard.ingest import IngestError, IngestSummary, ingest_files

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ingest"


def run(tmp_path: Path, name: str, fmt: str, **options) -> IngestSummary:
    summary = ingest_files([FIXTURES / name], fmt, tmp_path / "data", **options)
    assert (
        summary.accepted + summary.rejected_total + summary.duplicates_skipped == summary.rows_read
    ), "a row was lost"
    return summary


def stored(tmp_path: Path, table: str = "interactions") -> pl.DataFrame:
    return pl.read_parquet(tmp_path / "data" / table / "**" / "*.parquet")


def rejects(summary: IngestSummary) -> pl.DataFrame:
    return pl.read_csv(summary.rejects_files[0], infer_schema=False)


# --- csv / parquet in the contract's columns ----------------------------------------


def test_contract_csv_reads_offsets_naive_times_and_mixed_case_channels(tmp_path):
    summary = run(tmp_path, "contract_good.csv", "csv")
    assert (summary.accepted, summary.rejected_total) == (5, 0)
    rows = stored(tmp_path).sort("interaction_id")
    when = dict(rows.select("interaction_id", "created_at").iter_rows())
    assert when["m4"] == dt.datetime(2025, 3, 4, 7, 0, tzinfo=dt.UTC)  # +01:00
    assert when["m3"] == dt.datetime(2025, 3, 3, 10, 0, tzinfo=dt.UTC)  # no zone: --tz UTC
    assert rows.filter(pl.col("interaction_id") == "m4")["channel"][0] == "email"
    # a given sentiment is kept; inbound text without one is scored
    sentiment = dict(rows.select("interaction_id", "sentiment").iter_rows())
    assert sentiment["m4"] == -0.5 and sentiment["m3"] > 0.5 and sentiment["m2"] is None
    closing = rows.filter(pl.col("interaction_id") == "m5").row(0, named=True)
    assert (closing["csat"], closing["nps"], closing["resolved"]) == (4, 9, True)


def test_naive_timestamps_are_read_in_the_given_time_zone(tmp_path):
    run(tmp_path, "contract_good.csv", "csv", tz="Europe/Paris")
    rows = stored(tmp_path)
    m3 = rows.filter(pl.col("interaction_id") == "m3")["created_at"][0]
    assert m3 == dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)


def test_contract_csv_keeps_a_time_known_column_and_checks_it(tmp_path):
    path = tmp_path / "known.csv"
    path.write_text(
        "interaction_id,conversation_id,brand,channel,direction,author_id,created_at,"
        "time_known\n"
        "k1,c1,Acme,chat,inbound,u1,2025-03-03 09:00,false\n"
        "k2,c1,Acme,chat,outbound,acme,2025-03-03 09:10,yes\n"
        "k3,c2,Acme,chat,inbound,u2,2025-03-03 09:20,\n"
        "k4,c3,Acme,chat,inbound,u3,2025-03-03 09:30,perhaps\n"
    )
    summary = ingest_files([path], "csv", tmp_path / "data")
    assert summary.rejected == {"column 'time_known': not true/false": 1}
    known = dict(stored(tmp_path).select("interaction_id", "time_known").iter_rows())
    assert known == {"k1": False, "k2": True, "k3": None}
    # c1 opens with a message whose time the file marks unknown
    assert summary.warnings == [
        "speed unavailable for 1 conversations: the file gives no time for their first "
        "message (time_known)"
    ]


def test_contract_csv_rejects_each_broken_row_with_its_reason(tmp_path):
    summary = run(tmp_path, "contract_broken.csv", "csv")
    assert summary.accepted == 1
    assert summary.duplicates_skipped == 1  # b1 repeated word for word
    assert summary.rejected == {
        "column 'created_at': not a timestamp": 1,
        "column 'author_followers': negative": 1,
        "column 'channel': unknown value (allowed: twitter, facebook, instagram, linkedin, "
        "youtube, email, phone, chat, community, review, other)": 1,
        "column 'direction': unknown value (allowed: inbound, outbound, peer)": 1,
        "column 'author_id': missing value": 1,
        "column 'sentiment': above 1": 1,
        "column 'csat': not a whole number": 1,
        "column 'interaction_id': same id as an earlier row but different content": 1,
    }
    table = rejects(summary)
    assert table["row"].to_list() == [str(n) for n in range(2, 10)]
    assert table.filter(pl.col("row") == "2")["created_at"][0] == "yesterday"
    assert summary.rejects_files[0].parent == tmp_path / "data" / "rejects"


def test_map_option_reads_renamed_columns_and_fills_the_channel(tmp_path):
    mapping = {
        "interaction_id": "id",
        "conversation_id": "thread",
        "brand": "company",
        "direction": "who",
        "author_id": "user",
        "created_at": "sent_at",
        "text": "message",
    }
    summary = run(tmp_path, "contract_renamed.csv", "csv", channel="chat", mapping=mapping)
    assert summary.accepted == 2 and summary.channels == ["chat"]
    assert any("extra" in note for note in summary.notes)


def test_missing_required_column_is_fatal_and_names_it(tmp_path):
    with pytest.raises(
        IngestError,
        match=r"contract_renamed.csv column 'interaction_id': "
        r"missing",
    ):
        ingest_files(
            [FIXTURES / "contract_renamed.csv"],
            "csv",
            tmp_path,
            mapping={"conversation_id": "thread"},
        )


def test_map_of_a_column_the_file_lacks_is_fatal(tmp_path):
    with pytest.raises(IngestError, match=r"column 'nope': not in the file"):
        ingest_files([FIXTURES / "contract_good.csv"], "csv", tmp_path, mapping={"text": "nope"})


def test_contract_audience_csv_rejects_negative_followers(tmp_path):
    summary = run(tmp_path, "audience_contract.csv", "csv")
    assert summary.rows_written == {"audience": 2}
    assert summary.rejected == {"column 'followers': negative": 1}
    audience = stored(tmp_path, "audience").sort("date")
    assert audience["reach"].to_list() == [None, 4000]


def test_parquet_with_typed_columns_is_coerced_to_the_contract(tmp_path):
    frame = pl.read_csv(FIXTURES / "contract_good.csv", infer_schema_length=100)
    frame = frame.with_columns(
        pl.col("created_at")
        .str.slice(0, 19)
        .str.strptime(pl.Datetime("ms"), "%Y-%m-%dT%H:%M:%S", strict=False)
    )
    frame = frame.with_columns(pl.col("created_at").fill_null(dt.datetime(2025, 3, 3, 10)))
    path = tmp_path / "export.parquet"
    frame.write_parquet(path)
    summary = ingest_files([path], "parquet", tmp_path / "data")
    assert summary.accepted == 5
    rows = stored(tmp_path)
    assert rows.schema["created_at"] == pl.Datetime("us", "UTC")
    assert rows.schema["author_followers"] == pl.Int64


def test_a_csv_given_as_parquet_is_fatal(tmp_path):
    with pytest.raises(IngestError, match=r"contract_good.csv: not a Parquet file"):
        ingest_files([FIXTURES / "contract_good.csv"], "parquet", tmp_path)


def test_a_latin1_csv_is_read_and_says_so(tmp_path):
    text = (FIXTURES / "contract_good.csv").read_text().replace("Done", "Remboursé au café")
    path = tmp_path / "latin.csv"
    path.write_bytes(text.encode("latin-1"))
    summary = ingest_files([path], "csv", tmp_path / "data")
    assert summary.accepted == 5
    assert any("not UTF-8" in note for note in summary.notes)
    assert "Remboursé au café" in stored(tmp_path)["text"].to_list()


@pytest.mark.parametrize("fmt", ["csv", "twcs", "tickets", "facebook-posts"])
def test_a_binary_file_is_not_a_table(tmp_path, fmt):
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(IngestError, match=r"photo.csv: not a table: binary content"):
        ingest_files([path], fmt, tmp_path / "data", brand="Acme", year=2014)


@pytest.mark.parametrize("fmt", ["csv", "parquet", "twcs", "twitter-json", "tickets"])
def test_an_empty_file_is_fatal(tmp_path, fmt):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(IngestError, match=r"empty.csv: empty file"):
        ingest_files([path], fmt, tmp_path / "data", brand="Acme")


def test_a_header_without_rows_is_fatal(tmp_path):
    path = tmp_path / "header.csv"
    path.write_text("tweet_id,author_id,inbound,created_at,text,in_response_to_tweet_id\n")
    with pytest.raises(IngestError, match=r"header.csv: no data rows"):
        ingest_files([path], "twcs", tmp_path / "data")


def test_prose_is_not_a_contract_table(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("Dear team\nplease find the export attached\n")
    with pytest.raises(IngestError, match=r"notes.csv: not a contract table"):
        ingest_files([path], "csv", tmp_path / "data")


def test_ragged_rows_are_rejected_not_fatal(tmp_path):
    lines = (FIXTURES / "contract_good.csv").read_text().splitlines()
    lines.insert(2, "x1,c9,Acme,twitter,inbound,zed,1,2025-03-03T09:00:00Z,,a,,,,,,extra")
    path = tmp_path / "ragged.csv"
    path.write_text("\n".join(lines) + "\n")
    summary = ingest_files([path], "csv", tmp_path / "data")
    assert summary.accepted == 5
    assert summary.rejected == {"row has 16 fields, the header has 14": 1}


def test_file_with_no_usable_row_is_fatal_and_names_row_column_and_value(tmp_path):
    path = tmp_path / "tickets.csv"
    head = (FIXTURES / "contract_good.csv").read_text().splitlines()[0]
    path.write_text(head + "\n" + "z1,c1,Acme,twitter,inbound,amy,1,yesterday,,hi,,,,\n")
    with pytest.raises(IngestError) as caught:
        ingest_files([path], "csv", tmp_path / "data")
    assert str(caught.value).startswith(
        "tickets.csv row 1 column 'created_at': not a timestamp: 'yesterday'"
    )
    assert not (tmp_path / "data" / "interactions").exists()
    assert len(list((tmp_path / "data" / "rejects").iterdir())) == 1


def test_unknown_channel_option_is_fatal(tmp_path):
    with pytest.raises(IngestError, match=r"--channel 'fax': unknown channel"):
        ingest_files([FIXTURES / "contract_good.csv"], "csv", tmp_path, channel="fax")


# --- twcs ---------------------------------------------------------------------------


def test_twcs_handles_float_ids_crlf_quoted_lists_and_true_spellings(tmp_path):
    summary = run(tmp_path, "twcs_messy.csv", "twcs")
    assert (summary.rows_read, summary.accepted, summary.duplicates_skipped) == (11, 7, 1)
    rows = stored(tmp_path)
    conversation = dict(rows.select("interaction_id", "conversation_id").iter_rows())
    # 1001.0 -> 1001, its replies (in_response_to 1001.0 / listed in "1002.0,1003") join it
    assert conversation["1001"] == conversation["1002"] == conversation["1003"] == "1001"
    # 2001 answers the missing 1999: the thread is named after it
    assert conversation["2001"] == conversation["2002"] == "1999"
    first = rows.filter(pl.col("interaction_id") == "1001")["text"][0]
    assert first == "@AcmeHelp my order is late,\r\nagain!"
    brands = dict(rows.select("interaction_id", "brand").iter_rows())
    assert brands["5001"] == "AcmeHelp"  # unanswered, but it @mentions the brand
    assert brands["6001"] == "OtherCo"


def test_twcs_rejects_bad_rows_and_threads_without_a_brand(tmp_path):
    summary = run(tmp_path, "twcs_messy.csv", "twcs")
    assert summary.rejected == {
        "column 'created_at': not a timestamp": 1,
        "column 'inbound': not true/false": 1,
        "column 'author_id': no brand in this thread (no brand reply or @mention; give --brand)": 1,
    }
    assert rejects(summary)["tweet_id"].to_list() == ["3001", "3002", "4001"]


def test_twcs_brand_option_claims_threads_no_brand_answered(tmp_path):
    summary = run(tmp_path, "twcs_messy.csv", "twcs", brand="AcmeHelp")
    assert summary.accepted == 8
    rows = stored(tmp_path)
    assert rows.filter(pl.col("interaction_id") == "4001")["brand"][0] == "AcmeHelp"


def test_twcs_missing_reply_column_is_fatal(tmp_path):
    path = tmp_path / "short.csv"
    path.write_text("tweet_id,author_id,inbound,created_at,text\n1,a,True,x,y\n")
    with pytest.raises(
        IngestError,
        match=r"short.csv column 'in_response_to_tweet_id': "
        r"missing",
    ):
        ingest_files([path], "twcs", tmp_path / "data")


def test_twcs_reply_loops_are_rejected(tmp_path):
    path = tmp_path / "loop.csv"
    shutil.copy(FIXTURES / "twcs_messy.csv", path)
    with path.open("a", newline="") as handle:
        handle.write(
            "7001,cust_h,True,Wed Oct 11 13:00:00 +0000 2017,@AcmeHelp a,,7002\r\n"
            "7002,AcmeHelp,False,Wed Oct 11 13:10:00 +0000 2017,@cust_h b,,7001\r\n"
        )
    summary = ingest_files([path], "twcs", tmp_path / "data")
    assert summary.rejected["column 'in_response_to_tweet_id': replies form a loop"] == 2


# --- twitter-json -------------------------------------------------------------------


def test_twitter_v2_takes_followers_from_includes_and_brand_decides_direction(tmp_path):
    summary = run(tmp_path, "twitter_v2.json", "twitter-json", brand="@AcmeHelp")
    assert summary.rejected == {
        "column 'retweeted_status': a retweet, not a message": 1,
        "column 'text': not addressed to @AcmeHelp (no mention, reply or thread)": 1,
        "column 'author_followers': negative": 1,
    }
    rows = stored(tmp_path).sort("interaction_id")
    assert rows["direction"].to_list() == ["inbound", "outbound"]
    assert rows["author_followers"].to_list() == [150, 90000]
    assert rows["conversation_id"].to_list() == ["10", "10"]
    assert rows["author_id"][1] == "AcmeHelp"
    assert "cust_one" not in " ".join(rows["text"].to_list() + rows["author_id"].to_list())


def test_twitter_json_lines_reject_a_broken_line_and_keep_the_rest(tmp_path):
    summary = run(tmp_path, "twitter_v1_lines.jsonl", "twitter-json", brand="acmehelp")
    assert summary.accepted == 2
    [reason] = summary.rejected
    assert reason.startswith("column 'json': not valid JSON")
    assert rejects(summary)["row"].to_list() == ["2"]
    rows = stored(tmp_path)
    assert summary.brands == ["AcmeHelp"]  # spelled as the handle is in the data
    assert rows.filter(pl.col("interaction_id") == "101")["in_reply_to"][0] == "100"


def test_twitter_json_without_brand_is_fatal(tmp_path):
    with pytest.raises(IngestError, match=r"twitter-json needs --brand"):
        ingest_files([FIXTURES / "twitter_v2.json"], "twitter-json", tmp_path)


def test_twitter_json_that_is_not_json_is_fatal_with_line_and_column(tmp_path):
    path = tmp_path / "tweets.json"
    path.write_text('[{"id_str": "1",\n "text": oops}]\n')
    with pytest.raises(IngestError, match=r"tweets.json line 2 column 10: not valid JSON"):
        ingest_files([path], "twitter-json", tmp_path / "data", brand="Acme")


# --- tickets ------------------------------------------------------------------------


def test_tickets_become_opening_reply_and_closing_events(tmp_path):
    summary = run(tmp_path, "tickets_mixed.csv", "tickets", brand="Acme")
    assert summary.accepted == 3
    rows = stored(tmp_path).sort("created_at", "interaction_id")
    ticket = rows.filter(pl.col("conversation_id") == "Acme:ticket-1")
    assert ticket["interaction_id"].to_list() == [
        "Acme:ticket-1:open",
        "Acme:ticket-1:reply",
        "Acme:ticket-1:close",
    ]
    assert ticket["direction"].to_list() == ["inbound", "outbound", "outbound"]
    # no creation time in the file: the opening takes the first response's time (09:00),
    # marked unknown, never 00:00 of that day
    assert ticket["created_at"].dt.hour().to_list() == [9, 9, 15]
    assert ticket["time_known"].to_list() == [False, None, None]
    assert ticket["resolved"].to_list() == [None, None, True]
    assert ticket["csat"].to_list() == [None, None, 5]
    assert ticket["text"][0] == "Battery life: My GoPro dies fast"
    open_ticket = rows.filter(pl.col("conversation_id") == "Acme:ticket-2")
    assert open_ticket["resolved"].to_list() == [None, False]
    channels = dict(rows.select("conversation_id", "channel").unique().iter_rows())
    assert channels["Acme:ticket-8"] == "other"  # "Social media" says no network


def test_tickets_reject_resolution_before_first_response_with_that_reason(tmp_path):
    summary = run(tmp_path, "tickets_mixed.csv", "tickets", brand="Acme")
    assert summary.rejected == {
        "column 'Time to Resolution': resolution precedes the first response": 1,
        "column 'Ticket Channel': unknown value": 1,
        "column 'First Response Time': not a timestamp": 1,
        "column 'Customer Satisfaction Rating': above 5": 1,
        "column 'Time to Resolution': missing on a Closed ticket": 1,
    }
    assert rejects(summary)["Ticket ID"].to_list() == ["3", "4", "5", "6", "7"]


def test_tickets_channel_option_names_the_social_network(tmp_path):
    run(tmp_path, "tickets_mixed.csv", "tickets", brand="Acme", channel="facebook")
    rows = stored(tmp_path)
    assert rows.filter(pl.col("conversation_id") == "Acme:ticket-8")["channel"][0] == "facebook"


def test_tickets_without_brand_are_fatal(tmp_path):
    with pytest.raises(IngestError, match=r"no brand column .* --brand"):
        ingest_files([FIXTURES / "tickets_mixed.csv"], "tickets", tmp_path)


# --- facebook-posts -----------------------------------------------------------------


def test_facebook_latin1_spanish_header_posts_sum_into_days(tmp_path):
    summary = run(tmp_path, "facebook_latin1.csv", "facebook-posts", brand="Acme", year=2014)
    assert summary.rejected == {
        "column 'followers': negative": 1,
        "column 'like': missing (and Total Interactions does not confirm 0)": 1,
    }
    days = stored(tmp_path, "audience").sort("date")
    # Post Month 3, weekday 2 (Monday) -> Mon 31 Mar 2014; weekday 7 (Saturday) -> Sat 29
    assert [str(d) for d in days["date"]] == ["2014-03-29", "2014-03-31"]
    last = days.row(1, named=True)
    assert (last["posts"], last["likes"], last["comments"], last["shares"]) == (2, 40, 3, 4)
    assert (last["reach"], last["impressions"], last["followers"]) == (800, 1300, 1000)
    assert last["channel"] == "facebook"


def test_facebook_posts_without_year_or_brand_are_fatal(tmp_path):
    with pytest.raises(IngestError, match=r"give --year"):
        ingest_files([FIXTURES / "facebook_latin1.csv"], "facebook-posts", tmp_path, brand="Acme")
    with pytest.raises(IngestError, match=r"needs --brand"):
        ingest_files([FIXTURES / "facebook_latin1.csv"], "facebook-posts", tmp_path, year=2014)


def test_facebook_posts_out_of_date_order_are_fatal(tmp_path):
    lines = (FIXTURES / "facebook_latin1.csv").read_bytes().split(b"\r\n")
    path = tmp_path / "shuffled.csv"
    # months 3, 2, 3: neither newest first nor oldest first
    path.write_bytes(b"\r\n".join([lines[0], lines[1], lines[4], lines[2]]) + b"\r\n")
    with pytest.raises(
        IngestError,
        match=r"shuffled.csv row 3 column 'Post Month': posts "
        r"are not in date order",
    ):
        ingest_files([path], "facebook-posts", tmp_path / "data", brand="Acme", year=2014)


def test_facebook_posts_with_a_date_column_need_no_year(tmp_path):
    path = tmp_path / "posts.csv"
    path.write_text(
        "Post Date,Page total likes,like,comment,share\n"
        "2025-03-03,500,10,1,0\n2025-03-03,510,5,0,1\n2025-03-04,520,1,1,1\n"
    )
    summary = ingest_files(
        [path], "facebook-posts", tmp_path / "data", brand="Acme", channel="instagram"
    )
    assert summary.rows_written == {"audience": 2}
    days = stored(tmp_path, "audience").sort("date")
    assert days["followers"].to_list() == [510, 520]
    assert days["posts"].to_list() == [2, 1]
    assert days["channel"].unique().to_list() == ["instagram"]
