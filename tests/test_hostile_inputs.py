"""Hostile inputs (issue 18, items 4 and 10): each test builds its small file itself.

- numbers out of any plausible range (1e30, 99999999999999999999, 2^64-1), NaN,
  infinity, '1,5', a fraction in an integer column: rejected with the reason, through
  every importer that carries numbers; '  7 ' and '7.0' read as 7;
- UTF-16 without a byte-order mark is read (and said), not called binary;
- a local time the clocks skip (DST gap) is rejected saying why; one that occurs twice
  (the clocks go back) is read as the earlier instant.

Every run also checks that nothing is lost: accepted + rejected + duplicates == rows read.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import polars as pl
import pytest

from dashboard.ingest import IngestError, IngestSummary, ingest_files, validate

ROOT = Path(__file__).resolve().parents[1]
NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
HEADER = "interaction_id,conversation_id,brand,channel,direction,author_id,created_at"
AUDIENCE = "brand,channel,date,followers,posts,likes,comments,shares,reach,impressions"
GOOD_AUDIENCE = "Acme,twitter,2025-03-01,100,1,2,3,4,50,60"
ABOVE = "above 1,000,000,000,000"

# value -> the reason it gets in an integer count column (None: accepted)
HOSTILE = {
    "1e30": ABOVE,
    "99999999999999999999": ABOVE,
    "18446744073709551615": ABOVE,  # 2^64-1, an "unknown" sentinel
    "-1": "negative",
    "NaN": "not a number",
    "inf": "not a number",
    "-inf": "not a number",
    "1,5": "not a number",
    "7.5": "not a whole number",
    "  7 ": None,
    "7.0": None,
    "1e3": None,
}


def ingest(paths: list[Path], fmt: str, data: Path, **options) -> IngestSummary:
    summary = ingest_files(paths, fmt, data, now=NOW, **options)
    read = summary.accepted + summary.rejected_total + summary.duplicates_skipped
    assert read == summary.rows_read, "a row was lost"
    return summary


def stored(data: Path, table: str = "interactions") -> pl.DataFrame:
    return pl.read_parquet(data / table / "**" / "*.parquet")


def interactions_csv(path: Path, column: str, value: str) -> Path:
    """Row 1 is good; row 2 carries `value` in `column` (quoted: '1,5' stays one field)."""
    lines = [
        f"{HEADER},{column}",
        'm1,c1,Acme,twitter,inbound,u1,2025-03-03T09:00:00Z,""',
        f'm2,c2,Acme,twitter,inbound,u2,2025-03-03T10:00:00Z,"{value}"',
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(("value", "problem"), HOSTILE.items(), ids=list(HOSTILE))
def test_a_hostile_follower_count_is_rejected_with_its_reason_never_stored_as_null(
    tmp_path, value, problem
):
    path = interactions_csv(tmp_path / "in.csv", "author_followers", value)
    summary = ingest([path], "csv", tmp_path / "data")
    if problem is None:
        assert summary.accepted == 2
        followers = stored(tmp_path / "data").sort("interaction_id")["author_followers"]
        assert followers.to_list() == [None, float(value)]  # ' 7 ', 7.0 -> 7; 1e3 -> 1000
        return
    assert summary.accepted == 1
    assert summary.rejected == {f"column 'author_followers': {problem}": 1}
    reject = pl.read_csv(summary.rejects_files[0], infer_schema=False).row(0, named=True)
    assert reject["row"] == "2"  # the file's second data row, the value kept as given
    # kept as given; the rejects CSV is for people, so a cell that a spreadsheet would
    # read as a formula (= + - @) gets a leading quote (docs/DATA.md, "CSV for people")
    shown = f"'{value}" if value[:1] in "=+-@" else value
    assert reject["author_followers"] == shown
    assert stored(tmp_path / "data")["interaction_id"].to_list() == ["m1"]


# column -> (largest accepted value, smallest rejected value, the reason)
EDGES = {
    "author_followers": ("1000000000000", "1000000000001", ABOVE),
    "sentiment": ("1", "1.0001", "above 1"),
    "csat": ("5", "6", "above 5"),
    "nps": ("10", "11", "above 10"),
}


@pytest.mark.parametrize("column", list(EDGES))
def test_every_interactions_number_has_a_range_enforced_at_both_ends(tmp_path, column):
    top, beyond, problem = EDGES[column]
    lo = validate.RANGES[column][0]
    below = f"{lo - 1:g}" if column != "sentiment" else "-1.5"
    low_reason = "negative" if lo == 0 else f"below {lo:g}"
    rows = [(top, None), (beyond, problem), (below, low_reason), ("1e30", "above")]
    for i, (value, expected) in enumerate(rows):
        path = interactions_csv(tmp_path / f"{i}.csv", column, value)
        summary = ingest([path], "csv", tmp_path / f"data{i}")
        if expected is None:
            assert summary.rejected_total == 0
            assert stored(tmp_path / f"data{i}")[column].drop_nulls().to_list() == [float(top)]
        else:
            (why,) = summary.rejected
            assert why.startswith(f"column '{column}': {expected}"), why


AUDIENCE_COLUMNS = ("followers", "posts", "likes", "comments", "shares", "reach", "impressions")


@pytest.mark.parametrize("column", AUDIENCE_COLUMNS)
@pytest.mark.parametrize(
    ("value", "problem"),
    [("1e30", ABOVE), ("99999999999999999999", ABOVE), ("-1", "negative"), ("NaN", None)],
)
def test_every_audience_count_rejects_overflow_negative_and_nan(tmp_path, column, value, problem):
    fields = dict(zip(AUDIENCE.split(","), GOOD_AUDIENCE.split(","), strict=True))
    fields.update(date="2025-03-02", **{column: value})
    path = tmp_path / "audience.csv"
    path.write_text(f"{AUDIENCE}\n{GOOD_AUDIENCE}\n{','.join(fields.values())}\n")
    summary = ingest([path], "csv", tmp_path / "data")
    assert summary.accepted == 1
    assert summary.rejected == {f"column '{column}': {problem or 'not a number'}": 1}


def test_parquet_typed_numbers_out_of_range_are_rejected(tmp_path):
    # an unsigned 2^64-1, a float 1e30, NaN, infinity and 7.5 where a count is wanted
    n = 6
    frame = pl.DataFrame(
        {
            "interaction_id": [f"m{i}" for i in range(n)],
            "conversation_id": [f"c{i}" for i in range(n)],
            "brand": ["Acme"] * n,
            "channel": ["twitter"] * n,
            "direction": ["inbound"] * n,
            "author_id": ["u"] * n,
            "created_at": [dt.datetime(2025, 3, 3, 9, i, tzinfo=dt.UTC) for i in range(n)],
            "author_followers": [12.0, 1e30, float("nan"), float("inf"), 7.5, 3.0],
            "nps": pl.Series([3, 2**64 - 1, 4, 5, 6, 2**63], dtype=pl.UInt64),
        }
    )
    path = tmp_path / "typed.parquet"
    frame.write_parquet(path)
    summary = ingest([path], "parquet", tmp_path / "data")
    # m0 good; m1: followers 1e30 (checked before nps); m2 NaN; m3 inf; m4 7.5;
    # m5: followers 3 fine, nps 2^63 above 10
    assert summary.accepted == 1
    assert summary.rejected == {
        f"column 'author_followers': {ABOVE}": 1,
        "column 'author_followers': not a number": 2,
        "column 'author_followers': not a whole number": 1,
        "column 'nps': above 10": 1,
    }
    row = stored(tmp_path / "data").row(0, named=True)
    assert (row["author_followers"], row["nps"]) == (12, 3)


def tweet(i: int, followers: object) -> dict[str, object]:
    return {
        "id_str": str(100 + i),
        "created_at": f"Mon Mar 03 09:0{i}:00 +0000 2025",
        "text": "@AcmeHelp my router is dead",
        "user": {"screen_name": f"cust{i}", "followers_count": followers},
    }


def test_twitter_json_follower_counts_out_of_range_are_rejected(tmp_path):
    # json.loads reads 1e30 as a float and 99999999999999999999 as a big int
    path = tmp_path / "tweets.json"
    body = json.dumps([tweet(0, 10), tweet(1, 7)]).replace('"followers_count": 7', "X", 1)
    body = body.replace("X", '"followers_count": 1e30')
    extra = (
        '{"id_str": "200", "created_at": "Mon Mar 03 09:09:00 +0000 2025", "text": "@AcmeHelp hi", '
    )
    extra += '"user": {"screen_name": "c9", "followers_count": 99999999999999999999}}'
    path.write_text(body[:-1] + ", " + extra + "]")
    summary = ingest([path], "twitter-json", tmp_path / "data", brand="AcmeHelp")
    assert summary.accepted == 1
    assert summary.rejected == {f"column 'author_followers': {ABOVE}": 2}


def test_ticket_ratings_out_of_range_are_rejected(tmp_path):
    header = (
        "Ticket ID,Customer Name,Customer Email,Product Purchased,Ticket Subject,"
        "Ticket Description,Ticket Status,Resolution,Ticket Channel,First Response Time,"
        "Time to Resolution,Customer Satisfaction Rating"
    )
    rows = [
        f"{i},Ann,a@x.com,TV,Setup,Broken,Closed,Fixed.,Email,2023-06-01 09:00:00,"
        f"2023-06-01 15:00:00,{rating}"
        for i, rating in enumerate(["5.0", "1e30", "NaN", "6", "4.5"], start=1)
    ]
    path = tmp_path / "tickets.csv"
    path.write_text("\n".join([header, *rows]) + "\n")
    summary = ingest([path], "tickets", tmp_path / "data", brand="Acme")
    col = "column 'Customer Satisfaction Rating'"
    assert summary.accepted == 1
    assert summary.rejected == {
        f"{col}: above 5": 2,  # 1e30 and 6
        f"{col}: not a number": 1,
        f"{col}: not a whole number": 1,
    }


def test_facebook_post_counts_out_of_range_are_rejected(tmp_path):
    header = "Page total likes,Post Month,Post Weekday,Lifetime Post Total Reach,"
    header += "Lifetime Post Total Impressions,comment,like,share,Total Interactions"
    rows = [
        "1000,3,2,500,900,2,30,4,36",
        "1e30,3,2,500,900,2,30,4,36",  # followers
        "1000,3,2,500,99999999999999999999,2,30,4,36",  # impressions
        "1000,3,2,500,900,2,-1,4,36",  # likes
    ]
    path = tmp_path / "posts.csv"
    path.write_text("\n".join([header, *rows]) + "\n")
    summary = ingest([path], "facebook-posts", tmp_path / "data", brand="Acme", year=2014)
    assert summary.accepted == 1
    assert summary.rejected == {
        f"column 'followers': {ABOVE}": 1,
        f"column 'impressions': {ABOVE}": 1,
        "column 'likes': negative": 1,
    }


def test_the_contract_doc_states_the_range_the_code_enforces():
    doc = (ROOT / "docs" / "DATA.md").read_text()
    for column, (lo, hi) in validate.RANGES.items():
        bound = "10^12" if hi == validate.MAX_COUNT else f"{hi:g}"
        row = re.search(rf"^\| `{column}` \|.*$", doc, re.MULTILINE)
        assert row, column
        assert f"{lo:g}..{bound}" in row.group(0), row.group(0)


# --- encodings -------------------------------------------------------------------------


@pytest.mark.parametrize(("codec", "label"), [("utf-16-le", "LE"), ("utf-16-be", "BE")])
def test_utf16_without_a_byte_order_mark_is_read_and_said(tmp_path, codec, label):
    text = f"{HEADER},text\nm1,c1,Acme,twitter,inbound,u1,2025-03-03T09:00:00Z,Remboursé ☕\n"
    path = tmp_path / "export.csv"
    path.write_bytes(text.encode(codec))  # no BOM: Python's utf-16-le/-be write none
    assert not path.read_bytes().startswith((b"\xff\xfe", b"\xfe\xff"))
    summary = ingest([path], "csv", tmp_path / "data")
    assert summary.accepted == 1
    assert f"export.csv is not UTF-8; read as UTF-16 {label} (no byte-order mark)" in summary.notes
    assert stored(tmp_path / "data")["text"].to_list() == ["Remboursé ☕"]


def test_nul_bytes_that_are_not_utf16_are_still_binary(tmp_path):
    path = tmp_path / "blob.csv"
    path.write_bytes(b"a,b\n1,2\n" + b"\x00\x01\x02\x03" * 64)
    with pytest.raises(IngestError, match=r"blob.csv: not a table: binary content"):
        ingest_files([path], "csv", tmp_path / "data")


# --- daylight saving time ----------------------------------------------------------------


def test_a_local_time_the_clocks_skip_is_rejected_saying_why(tmp_path):
    # Europe/Paris, 2025-03-30: 02:00 CET becomes 03:00 CEST; 02:30 never happens there
    path = tmp_path / "dst.csv"
    path.write_text(
        f"{HEADER}\n"
        "m1,c1,Acme,twitter,inbound,u1,2025-03-30 01:59\n"
        "m2,c2,Acme,twitter,inbound,u2,2025-03-30 02:30\n"
        "m3,c3,Acme,twitter,inbound,u3,2025-03-30 03:00\n"
    )
    summary = ingest([path], "csv", tmp_path / "data", tz="Europe/Paris")
    assert summary.rejected == {
        "column 'created_at': does not exist in Europe/Paris: "
        "the clocks skip from 02:00 to 03:00 on 2025-03-30": 1
    }
    # 01:59 CET = 00:59 UTC; 03:00 CEST = 01:00 UTC
    times = stored(tmp_path / "data").sort("interaction_id")["created_at"].to_list()
    assert [t.strftime("%H:%M") for t in times] == ["00:59", "01:00"]


def test_a_skipped_local_time_is_explained_with_date_format_and_day_month_dates(tmp_path):
    # New York 2025-03-09: 02:00 EST becomes 03:00 EDT
    path = tmp_path / "dst.csv"
    path.write_text(
        f"{HEADER}\nm1,c1,Acme,twitter,inbound,u1,03/09/2025 02:15\n"
        "m2,c2,Acme,twitter,inbound,u2,03/13/2025 02:15\n"
    )
    why = (
        "column 'created_at': does not exist in America/New_York: "
        "the clocks skip from 02:00 to 03:00 on 2025-03-09"
    )
    detected = ingest([path], "csv", tmp_path / "a", tz="America/New_York")
    assert detected.rejected == {why: 1}
    given = ingest(
        [path], "csv", tmp_path / "b", tz="America/New_York", date_format="%m/%d/%Y %H:%M"
    )
    assert given.rejected == {why: 1}


def test_a_typed_parquet_local_time_the_clocks_skip_is_rejected_saying_why(tmp_path):
    frame = pl.DataFrame(
        {
            "interaction_id": ["m1", "m2"],
            "conversation_id": ["c1", "c2"],
            "brand": ["Acme"] * 2,
            "channel": ["twitter"] * 2,
            "direction": ["inbound"] * 2,
            "author_id": ["u1", "u2"],
            "created_at": [dt.datetime(2025, 3, 30, 2, 30), dt.datetime(2025, 3, 30, 4)],
        }
    )
    path = tmp_path / "naive.parquet"
    frame.write_parquet(path)
    summary = ingest([path], "parquet", tmp_path / "data", tz="Europe/Paris")
    assert summary.rejected == {
        "column 'created_at': does not exist in Europe/Paris: "
        "the clocks skip from 02:00 to 03:00 on 2025-03-30": 1
    }


def test_a_local_time_that_occurs_twice_is_read_as_the_earlier_instant(tmp_path):
    # Europe/Paris, 2025-10-26: 03:00 CEST becomes 02:00 CET, so 02:30 happens twice:
    # 02:30 CEST = 00:30 UTC (kept) and 02:30 CET = 01:30 UTC
    path = tmp_path / "fold.csv"
    path.write_text(f"{HEADER}\nm1,c1,Acme,twitter,inbound,u1,2025-10-26 02:30\n")
    summary = ingest([path], "csv", tmp_path / "data", tz="Europe/Paris")
    assert summary.accepted == 1
    (stamp,) = stored(tmp_path / "data")["created_at"].to_list()
    assert stamp == dt.datetime(2025, 10, 26, 0, 30, tzinfo=dt.UTC)
