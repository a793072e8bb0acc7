"""`chi rescore`: stored sentiment recomputed from what the customer wrote, file by
file and atomically, keeping the source's values, and the rollups follow.

VADER by hand: compound = x / sqrt(x² + 15) for the summed word valences x.
united +1.8, delayed -0.9, thanks +1.9, love +3.2, lost -1.3 (VADER's lexicon):
  "@united my flight was delayed"  raw 0.9  -> 0.2263   cleaned -0.9 -> -0.2263
  "@united what time is boarding?" raw 1.8  -> 0.4215   cleaned 0    -> 0.0
  "@united"                        raw 1.8  -> 0.4215   cleaned ""   -> null
  "@bob @united thanks"            raw 3.7  -> 0.6908   cleaned 1.9  -> 0.4404
  "@united I love you"             raw 5.0  -> 0.7906   cleaned 3.2  -> 0.6369
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest

from dashboard.cli import main
from dashboard.core.schema import INTERACTIONS
from dashboard.data import store
from dashboard.ingest import ingest_files, sentiment
from dashboard.ingest import rescore as rescore_mod
from tests.conftest import at, message, write_rows

PSEUDONYM = "@u-0123456789abcdef"  # how ingest stores a customer's @mention


def inbound(cid: str, text: str | None, score: float | None, days: float = 0) -> dict:
    return message(
        cid,
        "inbound",
        at(days=days),
        brand="United",
        text=text,
        sentiment=score,
        interaction_id=f"{cid}-in",
    )


def reply(cid: str, days: float = 0) -> dict:
    return message(
        cid,
        "outbound",
        at(minutes=10, days=days),
        brand="United",
        author_id="united",
        text="Sorry to hear that ^JK",
        interaction_id=f"{cid}-out",
    )


def old_log() -> list[dict]:
    """Data as chi stored it before the cleaning: March (c1-c7) and April (c4, c8)."""
    rows = [
        inbound("c1", "@united my flight was delayed", 0.2263),  # chi's: -> -0.2263
        inbound("c2", "@united what time is boarding?", 0.4215),  # chi's: -> 0.0
        inbound("c3", "@united", 0.4215),  # chi's: nothing left -> null
        inbound("c5", "my flight was delayed", -0.2263),  # already current
        inbound("c6", "I love it", None),  # no sentiment: left alone
        # scored before its @bob became a pseudonym: chi's, -> 0.4404
        inbound("c7", f"{PSEUDONYM} @united thanks", 0.6908),
        inbound("c4", "@united my flight was delayed", -0.8, days=31),  # the source's: kept
        inbound("c8", "@united I love you", 0.7906, days=31),  # chi's: -> 0.6369
    ]
    return rows + [
        reply(r["conversation_id"], 31 if r["conversation_id"] in "c4c8" else 0) for r in rows
    ]


def stored(data_dir: Path) -> dict[str, float | None]:
    frame = pl.read_parquet(data_dir / "interactions" / "**" / "*.parquet")
    return dict(frame.select("interaction_id", "sentiment").iter_rows())


AFTER = {
    "c1-in": -0.2263,
    "c2-in": 0.0,
    "c3-in": None,
    "c5-in": -0.2263,
    "c6-in": None,
    "c7-in": 0.4404,
    "c4-in": -0.8,
    "c8-in": 0.6369,
}


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    write_rows(path, "interactions", old_log())
    assert main(["rollup", "--data", str(path)]) == 0
    return path


def mood(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, float]:
    capsys.readouterr()
    code = main(
        ["report", "happiness", "--data", str(data_dir), "--format", "json", "--precision", "full"]
    )
    out = capsys.readouterr()
    assert code == 0
    assert out.err == ""  # no "computed in memory" note: the stored rollups are fresh
    return {row["period_start"][:7]: row["mood"] for row in json.loads(out.out)}


def test_rescore_recomputes_chi_scores_keeps_the_sources_and_updates_the_rollups(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # March before: moods 0.2263, 0.4215, 0.4215, -0.2263, 0.6908 (c6 has none)
    #   mean 1.5338 / 5 = 0.30676 -> M = 50 x 1.30676 = 65.338
    assert mood(data_dir, capsys)["2025-03"] == pytest.approx(65.338)
    before_rows = pl.read_parquet(data_dir / "interactions" / "**" / "*.parquet")
    assert main(["rescore", "--data", str(data_dir)]) == 0
    out = capsys.readouterr().out
    assert "files: 2 read, 2 rewritten" in out
    assert "messages rescored: 7 inbound with text and a sentiment" in out
    assert "  changed: 5\n  unchanged: 1\n  kept as the source gave them: 1" in out
    assert "without a sentiment, left as they are: 1" in out
    assert "time: " in out and "rollups: " in out
    values = stored(data_dir)
    assert {k: values[k] for k in AFTER} == AFTER
    # the files keep the contract's schema and every other value
    for path in store.parquet_files(data_dir, "interactions"):
        assert pq.read_schema(path).equals(INTERACTIONS, check_metadata=False)
    after_rows = pl.read_parquet(data_dir / "interactions" / "**" / "*.parquet")
    assert (
        after_rows.drop("sentiment")
        .sort("interaction_id")
        .equals(before_rows.drop("sentiment").sort("interaction_id"))
    )
    # brand replies never get a sentiment
    assert all(v is None for k, v in values.items() if k.endswith("-out"))
    # March after: -0.2263, 0.0, -0.2263, 0.4404 (c3 and c6 have none)
    #   mean -0.0122 / 4 = -0.00305 -> M = 50 x 0.99695 = 49.8475
    # April: -0.8 (kept), 0.6369 -> mean -0.08155 -> M = 45.9225
    after = mood(data_dir, capsys)
    assert after["2025-03"] == pytest.approx(49.8475)
    assert after["2025-04"] == pytest.approx(45.9225)


def test_a_second_rescore_changes_nothing(data_dir: Path, capsys) -> None:
    assert main(["rescore", "--data", str(data_dir)]) == 0
    files = {p: p.stat().st_mtime_ns for p in store.parquet_files(data_dir, "interactions")}
    capsys.readouterr()
    assert main(["rescore", "--data", str(data_dir)]) == 0
    out = capsys.readouterr().out
    assert "files: 2 read, 0 rewritten" in out
    # c3 is null now (no longer counted); 5 current, c4 still the source's
    assert "  changed: 0\n  unchanged: 5\n  kept as the source gave them: 1" in out
    assert "rollups in " in out and "up to date" in out
    assert {p: p.stat().st_mtime_ns for p in files} == files


def test_an_interrupted_rescore_leaves_old_or_new_files_and_a_rerun_finishes(
    data_dir: Path,
) -> None:
    def stop_after_first(path: Path) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        rescore_mod.rescore(data_dir, on_file=stop_after_first)
    values = stored(data_dir)
    assert values["c1-in"] == -0.2263  # March: new
    assert values["c8-in"] == 0.7906  # April: still old
    report = rescore_mod.rescore(data_dir)
    # March is current (c1, c2, c5, c7; c3 is null now), April's c8 changes, c4 is kept
    assert (report.rewritten, report.changed, report.current, report.kept) == (1, 1, 4, 1)
    values = stored(data_dir)
    assert {k: values[k] for k in AFTER} == AFTER


def test_a_crash_while_writing_leaves_the_old_file_and_no_temporary_file(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    before = stored(data_dir)

    def disk_full(table, where, **kwargs) -> None:
        Path(where).write_bytes(b"PAR1 half a file")
        raise OSError(28, "No space left on device", str(where))

    monkeypatch.setattr(pq, "write_table", disk_full)
    assert main(["rescore", "--data", str(data_dir)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("chi rescore: ") and "No space left on device" in err
    assert "month=2025-03/part-fixture.parquet" in err  # the file, not the temporary one
    assert stored(data_dir) == before
    assert not list((data_dir / "interactions").rglob(f"*{rescore_mod.TMP_SUFFIX}"))


def test_an_unreadable_file_is_named_and_the_others_are_rescored(data_dir: Path, capsys) -> None:
    bad = data_dir / "interactions" / "month=2025-05" / "part-bad.parquet"
    bad.parent.mkdir()
    bad.write_bytes(b"not parquet at all")
    assert main(["rescore", "--data", str(data_dir)]) == 1
    out = capsys.readouterr().out
    assert f"skipped: {bad}: not a readable Parquet file" in out
    assert "files: 3 read, 2 rewritten" in out
    assert bad.read_bytes() == b"not parquet at all"
    values = stored_without(data_dir, bad)
    assert {k: values[k] for k in AFTER} == AFTER


def stored_without(data_dir: Path, bad: Path) -> dict[str, float | None]:
    good = [p for p in store.parquet_files(data_dir, "interactions") if p != bad]
    frame = pl.read_parquet(good)
    return dict(frame.select("interaction_id", "sentiment").iter_rows())


def test_rescore_without_data_says_so(tmp_path: Path, capsys) -> None:
    assert main(["rescore", "--data", str(tmp_path / "nowhere")]) == 2
    assert "no data directory" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert main(["rescore", "--data", str(tmp_path / "empty")]) == 2
    assert "no interaction data in" in capsys.readouterr().err


TWCS = "\n".join(
    [
        "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id",
        "1,cust_a,True,Mon Mar 03 09:00:00 +0000 2025,@united my flight was delayed,2,",
        "2,united,False,Mon Mar 03 09:10:00 +0000 2025,@cust_a Sorry to hear that ^JK,3,1",
        "3,cust_a,True,Mon Mar 03 09:20:00 +0000 2025,@united,,2",
        "4,cust_b,True,Mon Mar 03 10:00:00 +0000 2025,@cust_c @united United lost my bag"
        " https://t.co/x1,5,",
        "5,united,False,Mon Mar 03 10:05:00 +0000 2025,@cust_b We're on it,,4",
    ]
)


def raw_scorer(texts, on_chunk=None, workers=None, brands=None, handles=None):
    """The scorer as it was before the cleaning (VADER on the raw text)."""
    return sentiment.score_raw(texts, on_chunk, workers)


def test_ingest_scores_what_the_customer_wrote(tmp_path: Path) -> None:
    (tmp_path / "twcs.csv").write_text(TWCS + "\n")
    summary = ingest_files([tmp_path / "twcs.csv"], "twcs", tmp_path / "data")
    # "my flight was delayed" -0.2263; "lost my bag" -1.3 -> -0.3182; "@united" alone: null
    assert stored(tmp_path / "data") == {
        "1": -0.2263,
        "2": None,
        "3": None,
        "4": -0.3182,
        "5": None,
    }
    assert (summary.sentiment_scored, summary.sentiment_empty) == (2, 1)
    assert any(line.startswith("sentiment left empty for 1 messages") for line in summary.lines())


def test_ingest_removes_the_handles_a_brand_answered_from_in_an_earlier_import(
    tmp_path: Path,
) -> None:
    header = "interaction_id,conversation_id,brand,channel,direction,author_id,created_at,text"
    first = tmp_path / "first.csv"
    first.write_text(
        f"{header}\nm1,c1,United Airlines,twitter,outbound,united,2025-03-03T09:00:00Z,Hello\n"
    )
    later = tmp_path / "later.csv"
    later.write_text(
        f"{header}\nm2,c2,United Airlines,twitter,inbound,jo,2025-03-04T09:00:00Z,thanks united\n"
    )
    ingest_files([first], "csv", tmp_path / "data")
    ingest_files([later], "csv", tmp_path / "data")
    # "united" is the brand's handle (stored by the first import): only "thanks" is read
    assert stored(tmp_path / "data")["m2"] == 0.4404


def test_rescoring_old_data_gives_what_a_fresh_ingest_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "twcs.csv").write_text(TWCS + "\n")
    with monkeypatch.context() as patch:
        patch.setattr(sentiment, "score", raw_scorer)
        ingest_files([tmp_path / "twcs.csv"], "twcs", tmp_path / "old")
    # as stored before: 0.2263, 0.4215, and 2 x 1.8 - 1.3 = 2.3 -> 0.5106
    assert stored(tmp_path / "old") == {"1": 0.2263, "2": None, "3": 0.4215, "4": 0.5106, "5": None}
    report = rescore_mod.rescore(tmp_path / "old")
    assert (report.messages, report.changed, report.kept) == (3, 3, 0)
    ingest_files([tmp_path / "twcs.csv"], "twcs", tmp_path / "fresh")
    assert stored(tmp_path / "old") == stored(tmp_path / "fresh")


def test_a_memo_started_afresh_between_files_gives_the_same_scores(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rescore_mod, "MEMO_MAX", 0)  # forget every score after each file
    report = rescore_mod.rescore(data_dir)
    assert (report.changed, report.current, report.kept) == (5, 1, 1)
    values = stored(data_dir)
    assert {k: values[k] for k in AFTER} == AFTER
