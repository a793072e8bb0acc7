"""An import read in batches (dashboard/ingest/sources.py, batch.py) stores exactly what
one batch over the whole file stores: the same rows, rejects and summary, with
duplicates whose first copy is in an earlier batch and a day/month reading that only a
later batch settles. The batch size comes from CHI_INGEST_BATCH_ROWS."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest

from dashboard.core.config import load_config
from dashboard.data import rollup, store
from dashboard.data.rollup import facts
from dashboard.ingest import IngestError, ingest_files, pseudonym, sources

NOW = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
HEADER = "interaction_id,conversation_id,brand,channel,direction,author_id,created_at,text\n"
# batches of 3 rows: [1-3] [4-6] [7-8]
ROWS = [
    "m1,c1,Acme,twitter,inbound,alice,03/04/2025 09:00,My parcel is late",
    "m2,c1,Acme,twitter,outbound,acme_support,03/04/2025 09:30,Sorry about that",
    "m3,c2,Acme,email,inbound,bob,04/04/2025 10:00,Refund please",
    # a copy of row 1 (batch 1): a skipped duplicate
    "m1,c1,Acme,twitter,inbound,alice,03/04/2025 09:00,My parcel is late",
    # row 3's id with other content: rejected
    "m3,c2,Acme,email,inbound,bob,04/04/2025 10:00,Refund NOW",
    "m4,c2,Acme,email,outbound,acme_support,05/04/2025 11:00,Done",
    # the only first field above 12: the whole file is day-first (batch 1 alone has
    # only values like 03/04/2025, ambiguous, which would all be rejected)
    "m5,c3,Acme,chat,inbound,carol,25/03/2025 08:00,Hello there",
    "m6,c3,Acme,chat,outbound,acme_support,not a date,Hi",
]


def _write(path: Path, rows: list[str]) -> Path:
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _stored(data_dir: Path) -> pl.DataFrame:
    files = store.parquet_files(data_dir, "interactions")
    return pl.concat([pl.read_parquet(f) for f in files]).sort("interaction_id")


def _ingest(monkeypatch, tmp_path: Path, name: str, size: int, secret: Path | None):
    monkeypatch.setenv(sources.BATCH_ROWS_ENV, str(size))
    data_dir = tmp_path / name
    if secret is not None:  # the same pseudonyms: the same key
        data_dir.mkdir()
        shutil.copy(secret, data_dir / pseudonym.SECRET_NAME)
    source = _write(tmp_path / "log.csv", ROWS)
    return data_dir, ingest_files([source], "csv", data_dir, now=NOW)


def test_a_file_read_in_batches_stores_what_one_batch_stores(tmp_path, monkeypatch):
    one_dir, one = _ingest(monkeypatch, tmp_path, "one", 1000, None)
    many_dir, many = _ingest(monkeypatch, tmp_path, "many", 3, one_dir / pseudonym.SECRET_NAME)
    # 8 rows read = 5 accepted (m1-m5) + 2 rejected (m3 again, m6) + 1 duplicate (m1)
    assert (many.rows_read, many.accepted, many.duplicates_skipped) == (8, 5, 1)
    assert many.rejected_total == 2
    assert many.dates == ["dates read as %d/%m/%Y %H:%M (day first)"]
    differ = ("seconds", "rejects_files", "written_files")
    for field in dataclasses.fields(one):
        if field.name not in differ:
            assert getattr(many, field.name) == getattr(one, field.name), field.name
    assert _stored(many_dir).equals(_stored(one_dir))
    times = dict(_stored(many_dir).select("interaction_id", "created_at").iter_rows())
    assert times["m1"] == dt.datetime(2025, 4, 3, 9, 0, tzinfo=dt.UTC)  # 3 April
    assert times["m5"] == dt.datetime(2025, 3, 25, 8, 0, tzinfo=dt.UTC)
    # the same rejects, in row order
    assert many.rejects_files[0].read_text() == one.rejects_files[0].read_text()
    rejects = pl.read_csv(many.rejects_files[0])
    assert rejects["row"].to_list() == [5, 8]
    # it did run in batches: batch 1 (m1-m3, April), 2 (m4, April), 3 (m5, March)
    assert len(store.parquet_files(many_dir, "interactions")) == 3
    assert len(store.parquet_files(one_dir, "interactions")) == 2


def test_a_batched_run_is_deduplicated_against_the_stored_data(tmp_path, monkeypatch):
    data_dir, first = _ingest(monkeypatch, tmp_path, "dir", 2, None)
    again = ingest_files([tmp_path / "log.csv"], "csv", data_dir, now=NOW)
    # all 6 rows that were not rejected (5 accepted + the duplicate) are now duplicates
    assert (again.accepted, again.duplicates_skipped, again.rejected_total) == (0, 6, 2)
    assert _stored(data_dir).height == first.accepted == 5


def test_a_failed_batched_run_leaves_the_data_unchanged(tmp_path, monkeypatch):
    monkeypatch.setenv(sources.BATCH_ROWS_ENV, "2")
    good = _write(tmp_path / "good.csv", ROWS[:3] + ROWS[5:7])
    bad = _write(tmp_path / "bad.csv", ["x1,c9,Acme,chat,inbound,zed,yesterday,Hi"])
    data_dir = tmp_path / "data"
    # good.csv's batches are staged before bad.csv is read; none may become visible
    with pytest.raises(IngestError, match="bad.csv row 1"):
        ingest_files([good, bad], "csv", data_dir, now=NOW)
    assert store.parquet_files(data_dir, "interactions") == []
    assert list((data_dir / "interactions").glob("month=*/*.parquet")) == []


def test_a_lean_rollup_build_out_of_memory_runs_again_with_more(tmp_path, monkeypatch):
    data_dir, _ = _ingest(monkeypatch, tmp_path, "dir", 1000, None)
    monkeypatch.setattr(facts, "LEAN_MEMORY", "1MB")
    # 1MB is too little for the facts build: lean alone fails with DuckDB's
    # OutOfMemoryException ...
    with facts.lean_builds(), pytest.raises(duckdb.OutOfMemoryException):
        facts.refresh(data_dir, full=True, publish=False)
    # ... and the lean refresh runs once more at BUILD_MEMORY
    report = rollup.refresh(data_dir, load_config(data_dir), full=True, lean=True)
    # the 5 accepted messages form 3 conversations (c1, c2, c3)
    assert report.rollups[0].rows == 3
    assert facts._lean == [False]  # the lean cap applied to it only
