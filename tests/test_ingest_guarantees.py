"""What every import promises: idempotent, atomic, pseudonymous, nothing lost, and the
result is readable by the dashboard's queries at once."""

from __future__ import annotations

import datetime as dt
import json
import stat
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.core.config import load_config
from dashboard.data import connection, sql, store
from dashboard.ingest import IngestError, ingest_files, pseudonym, sentiment

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ingest"
CASES = [
    ("contract_good.csv", "csv", {}),
    ("audience_contract.csv", "csv", {}),
    ("twcs_messy.csv", "twcs", {}),
    ("twitter_v2.json", "twitter-json", {"brand": "AcmeHelp"}),
    ("twitter_v1_lines.jsonl", "twitter-json", {"brand": "AcmeHelp"}),
    ("tickets_mixed.csv", "tickets", {"brand": "Acme"}),
    ("facebook_latin1.csv", "facebook-posts", {"brand": "Acme", "year": 2014}),
]


def table_rows(data_dir: Path, table: str) -> int:
    files = store.parquet_files(data_dir, table)
    return sum(pq.read_metadata(f).num_rows for f in files)


@pytest.mark.parametrize(("name", "fmt", "options"), CASES, ids=[c[0] for c in CASES])
def test_ingesting_the_same_file_twice_adds_nothing(tmp_path, name, fmt, options):
    first = ingest_files([FIXTURES / name], fmt, tmp_path, **options)
    table = next(iter(first.rows_written))
    files = store.parquet_files(tmp_path, table)
    count = table_rows(tmp_path, table)
    again = ingest_files([FIXTURES / name], fmt, tmp_path, **options)
    assert again.accepted == 0
    assert again.duplicates_skipped == first.accepted + first.duplicates_skipped
    assert again.rejected == first.rejected  # bad rows are reported again, not stored
    assert store.parquet_files(tmp_path, table) == files
    assert table_rows(tmp_path, table) == count


@pytest.mark.parametrize(("name", "fmt", "options"), CASES, ids=[c[0] for c in CASES])
def test_every_source_row_is_accepted_rejected_or_a_duplicate(tmp_path, name, fmt, options):
    summary = ingest_files([FIXTURES / name], fmt, tmp_path, **options)
    total = summary.accepted + summary.rejected_total + summary.duplicates_skipped
    assert total == summary.rows_read
    if summary.rejected_total:
        assert pl.read_csv(summary.rejects_files[0]).height == summary.rejected_total


def test_a_lost_part_file_is_restored_by_reimporting_without_duplicates(tmp_path):
    ingest_files([FIXTURES / "twcs_messy.csv"], "twcs", tmp_path)
    before = table_rows(tmp_path, "interactions")
    store.parquet_files(tmp_path, "interactions")[0].unlink()
    again = ingest_files([FIXTURES / "twcs_messy.csv"], "twcs", tmp_path)
    assert again.accepted > 0
    assert table_rows(tmp_path, "interactions") == before


def test_the_same_tweet_in_two_files_is_stored_once(tmp_path):
    tweets = [
        json.loads(line)
        for line in (FIXTURES / "twitter_v1_lines.jsonl").read_text().splitlines()
        if line.startswith('{"')
    ]
    later = [
        dict(t, user=dict(t["user"], followers_count=t["user"]["followers_count"] + 7))
        for t in tweets
    ]
    (tmp_path / "a.json").write_text(json.dumps(tweets))
    (tmp_path / "b.json").write_text(json.dumps(later))  # same tweets, newer follower counts
    summary = ingest_files(
        [tmp_path / "a.json", tmp_path / "b.json"],
        "twitter-json",
        tmp_path / "data",
        brand="AcmeHelp",
    )
    assert (summary.rows_read, summary.accepted, summary.duplicates_skipped) == (4, 2, 2)


def test_part_files_are_named_by_their_content(tmp_path):
    ingest_files([FIXTURES / "contract_good.csv"], "csv", tmp_path / "one")
    ingest_files([FIXTURES / "contract_good.csv"], "csv", tmp_path / "two")
    names = [
        [p.name for p in store.parquet_files(tmp_path / d, "interactions")] for d in ("one", "two")
    ]
    assert names[0] == names[1] and names[0][0].startswith("part-ingest-")


def test_a_failed_write_leaves_no_partial_or_temporary_file(tmp_path, monkeypatch):
    def broken_write(table, where, **kwargs):
        Path(where).write_bytes(b"PAR1 half a file")
        raise OSError("disk full")

    monkeypatch.setattr(store.pq, "write_table", broken_write)
    with pytest.raises(OSError, match="disk full"):
        ingest_files([FIXTURES / "contract_good.csv"], "csv", tmp_path)
    leftovers = list((tmp_path / "interactions").rglob("*"))
    assert [p for p in leftovers if p.is_file()] == []


def test_nothing_is_written_when_one_of_several_files_is_fatal(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(IngestError, match="empty.csv: empty file"):
        ingest_files([FIXTURES / "contract_good.csv", empty], "csv", tmp_path / "data")
    assert not store.has_data(tmp_path / "data")


def test_no_original_customer_id_reaches_the_parquet_but_brand_handles_do(tmp_path):
    ingest_files([FIXTURES / "twcs_messy.csv"], "twcs", tmp_path, brand="AcmeHelp")
    ingest_files([FIXTURES / "tickets_mixed.csv"], "tickets", tmp_path, brand="Acme")
    ingest_files([FIXTURES / "twitter_v2.json"], "twitter-json", tmp_path, brand="AcmeHelp")
    raw = b"".join(p.read_bytes() for p in store.parquet_files(tmp_path, "interactions"))
    rows = pl.read_parquet(tmp_path / "interactions" / "**" / "*.parquet")
    text = " ".join(rows["author_id"].to_list() + rows["text"].drop_nulls().to_list())
    for original in (
        "cust_a",
        "cust_b",
        "cust_e",
        "cust_f",
        "cust_g",
        "cust_one",
        "ann@example.com",
        "Ann Smith",
        "bob@example.com",
    ):
        assert original not in text
        assert original.encode() not in raw
    assert "AcmeHelp" in set(rows["author_id"]) and "Acme" in set(rows["author_id"])


def test_a_customer_gets_the_same_pseudonym_in_every_import_of_a_data_dir(tmp_path):
    ingest_files([FIXTURES / "twcs_messy.csv"], "twcs", tmp_path)
    rows = pl.read_parquet(tmp_path / "interactions" / "**" / "*.parquet")
    author = rows.filter(pl.col("interaction_id") == "1001")["author_id"][0]
    mentioned = rows.filter(pl.col("interaction_id") == "1002")["text"][0]
    assert mentioned.startswith("@" + author)  # @cust_a in the reply = author cust_a
    secret = pseudonym.load_secret(tmp_path)
    assert author == pseudonym.Pseudonymiser(secret)("cust_a")
    other = tmp_path / "elsewhere"
    ingest_files([FIXTURES / "twcs_messy.csv"], "twcs", other)
    rows2 = pl.read_parquet(other / "interactions" / "**" / "*.parquet")
    assert rows2.filter(pl.col("interaction_id") == "1001")["author_id"][0] != author


def test_the_secret_is_32_random_bytes_readable_by_its_owner_only(tmp_path):
    ingest_files([FIXTURES / "contract_good.csv"], "csv", tmp_path)
    path = tmp_path / ".chi-secret"
    assert len(bytes.fromhex(path.read_text().strip())) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_rejects_file_is_readable_by_its_owner_only(tmp_path):
    summary = ingest_files([FIXTURES / "contract_broken.csv"], "csv", tmp_path)
    assert stat.S_IMODE(summary.rejects_files[0].stat().st_mode) == 0o600


def test_dashboard_queries_run_on_the_imported_data(tmp_path):
    for name, fmt, options in CASES:
        ingest_files([FIXTURES / name], fmt, tmp_path, **options)
    con = connection.connect(tmp_path, load_config())
    conversations = sql.run(con, "conversations")
    assert conversations.height > 0
    assert set(conversations["brand"]) >= {"Acme", "AcmeHelp"}


def test_new_data_changes_the_data_version_the_app_caches_on(tmp_path):
    ingest_files([FIXTURES / "contract_good.csv"], "csv", tmp_path)
    before = connection.data_version(tmp_path)
    ingest_files([FIXTURES / "twcs_messy.csv"], "twcs", tmp_path)
    assert connection.data_version(tmp_path) != before


def test_sentiment_is_the_same_in_parallel_and_in_process(monkeypatch):
    texts = ["I love this, thank you!", "worst service ever", None, "", "ok"] * 8
    alone = sentiment.score(texts, workers=1)
    monkeypatch.setattr(sentiment, "PARALLEL_MIN", 10)
    monkeypatch.setattr(sentiment, "CHUNK", 7)
    chunks: list[int] = []
    together = sentiment.score(texts, on_chunk=chunks.append, workers=2)
    assert together == alone
    assert sum(chunks) == len(texts)
    assert alone[:5] == [pytest.approx(alone[0]), alone[1], None, None, alone[4]]
    assert alone[0] > 0.5 and alone[1] < -0.5


HEADER = (
    "interaction_id,conversation_id,brand,channel,direction,author_id,"
    "author_followers,created_at,text"
)
GOOD = "i{n},c{n},Acme,twitter,inbound,cust{n},5,2025-03-03T09:00:00Z,hello"
BROKEN = [
    "i{n},c{n},Acme,fax,inbound,cust{n},5,2025-03-03T09:00:00Z,hello",
    "i{n},c{n},Acme,twitter,inbound,cust{n},-1,2025-03-03T09:00:00Z,hello",
    "i{n},c{n},Acme,twitter,inbound,cust{n},5,soon,hello",
    "i{n},c{n},Acme,twitter,sideways,cust{n},5,2025-03-03T09:00:00Z,hello",
    "i0,c0,Acme,twitter,inbound,cust0,5,2025-03-03T09:00:00Z,hello",  # repeats row 0
    "i0,c0,Acme,twitter,inbound,cust0,5,2025-03-03T09:00:00Z,changed",  # conflicts
]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    kinds=st.lists(st.integers(min_value=-1, max_value=len(BROKEN) - 1), min_size=1, max_size=30)
)
def test_any_mix_of_good_and_broken_rows_loses_nothing(tmp_path_factory, kinds):
    folder = tmp_path_factory.mktemp("mix")
    lines = [GOOD.format(n=0)] + [
        (GOOD if k < 0 else BROKEN[k]).format(n=i + 1) for i, k in enumerate(kinds)
    ]
    (folder / "mix.csv").write_text(HEADER + "\n" + "\n".join(lines) + "\n")
    summary = ingest_files(
        [folder / "mix.csv"], "csv", folder / "data", now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    )
    assert summary.rows_read == len(lines)
    assert summary.accepted + summary.rejected_total + summary.duplicates_skipped == len(lines)
    assert table_rows(folder / "data", "interactions") == summary.accepted


def test_a_later_export_continues_threads_stored_by_an_earlier_import(tmp_path):
    head = "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id"
    (tmp_path / "monday.csv").write_text(
        "\n".join(
            [
                head,
                "1,cust_z,True,Mon Mar 03 09:00:00 +0000 2025,@AcmeHelp my bill is wrong,2,",
                "2,AcmeHelp,False,Mon Mar 03 09:10:00 +0000 2025,@cust_z please DM us,,1",
            ]
        )
        + "\n"
    )
    (tmp_path / "tuesday.csv").write_text(
        "\n".join(
            [
                head,  # the customer answers the brand's reply (tweet 2, not in this file)
                "3,cust_z,True,Tue Mar 04 08:00:00 +0000 2025,done. any news?,,2",
            ]
        )
        + "\n"
    )
    ingest_files([tmp_path / "monday.csv"], "twcs", tmp_path / "data")
    summary = ingest_files([tmp_path / "tuesday.csv"], "twcs", tmp_path / "data")
    assert summary.accepted == 1
    assert any("continue conversations stored" in note for note in summary.notes)
    rows = pl.read_parquet(tmp_path / "data" / "interactions" / "**" / "*.parquet")
    assert set(rows["conversation_id"]) == {"1"}
    assert set(rows["brand"]) == {"AcmeHelp"}
