"""The audit log (dashboard/data/audit.py): one JSON line per event in
<data dir>/audit/audit.log, UTC times, rotated by size, and a write that cannot
happen is an error rather than a silent loss."""

from __future__ import annotations

import datetime as dt
import json
import os

import pytest

from dashboard.data import audit

WHEN = dt.datetime(2025, 3, 3, 10, 0, 0, 123000, tzinfo=dt.timezone(dt.timedelta(hours=1)))
WHO = {"email": "anna@partner.org", "sub": "u-anna"}


def test_a_line_says_who_when_and_what(tmp_path):
    line = audit.record(
        tmp_path, "message-text", WHO, at=WHEN, role="analyst", brand="Acme", conversation_id="c1"
    )
    # 10:00:00.123 at UTC+1 is 09:00:00.123 UTC
    expected = {
        "at": "2025-03-03T09:00:00.123Z",
        "event": "message-text",
        "who": {"email": "anna@partner.org", "sub": "u-anna"},
        "role": "analyst",
        "brand": "Acme",
        "conversation_id": "c1",
    }
    assert line == expected
    text = (tmp_path / "audit" / "audit.log").read_text(encoding="utf-8")
    assert [json.loads(row) for row in text.splitlines()] == [expected]
    assert audit.read(tmp_path) == [expected]


def test_lines_are_appended_in_order(tmp_path):
    for n in range(3):
        audit.record(tmp_path, "upload", WHO, at=WHEN, n=n)
    assert [line["n"] for line in audit.read(tmp_path)] == [0, 1, 2]


def test_the_log_rotates_by_size_and_keeps_the_newest_files(tmp_path):
    # every line is the same length L (same time, one-digit n) plus its newline; a file
    # turns over when the next line would reach max_bytes = 2 (L + 1) + 1, so each file
    # holds 2 lines. 7 lines, 2 backups: audit.log holds line 6, audit.log.1 lines 4-5,
    # audit.log.2 lines 2-3; lines 0-1 were in the oldest file, dropped at the last turn.
    size = len(json.dumps(audit.entry("upload", WHO, WHEN, n=0))) + 1
    for n in range(7):
        audit.record(tmp_path, "upload", WHO, at=WHEN, max_bytes=2 * size + 1, backups=2, n=n)
    folder = tmp_path / "audit"
    assert sorted(p.name for p in folder.iterdir()) == ["audit.log", "audit.log.1", "audit.log.2"]

    def numbers(name: str) -> list[int]:
        return [json.loads(row)["n"] for row in (folder / name).read_text().splitlines()]

    assert numbers("audit.log") == [6]
    assert numbers("audit.log.1") == [4, 5]
    assert numbers("audit.log.2") == [2, 3]
    assert all((folder / name).stat().st_size <= 2 * size for name in os.listdir(folder))


def test_a_log_that_cannot_be_written_is_an_error_naming_it(tmp_path):
    (tmp_path / "audit").write_text("a file where the folder should be")
    with pytest.raises(audit.AuditError, match=r"audit\.log: cannot write the audit log"):
        audit.record(tmp_path, "sign-in", WHO)
    with pytest.raises(audit.AuditError, match="cannot write"):
        audit.check_writable(tmp_path)


def test_nothing_is_there_before_the_first_event(tmp_path):
    assert audit.read(tmp_path) == []
    assert not (tmp_path / "audit").exists()
