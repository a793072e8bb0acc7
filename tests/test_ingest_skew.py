"""The summary warns when rejected rows are skewed on a field a metric uses
(dashboard/ingest/skew.py): at least 5 rejected rows, one value over-represented among
them by 20 points or more (or carried by all of them), and a shift of 1 point or more in
what is kept. Hand-made files; the shares are worked out in each test."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from dashboard.ingest import IngestSummary, ingest_files

NOW = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
TICKETS = "Ticket ID,Ticket Status,Ticket Channel,First Response Time,Time to Resolution"


def tickets_csv(tmp_path: Path, closed_ok: int, closed_bad: int, open_n: int) -> Path:
    """Closed tickets resolved after (ok) or before (bad: rejected) their first response,
    and Open ones; channels alternate Email / Chat."""
    lines = [TICKETS]
    rows = (
        [("Closed", "2025-03-03 09:00", "2025-03-03 12:00")] * closed_ok
        + [("Closed", "2025-03-03 09:00", "2025-03-03 08:00")] * closed_bad
        + [("Open", "2025-03-03 09:00", "")] * open_n
    )
    for i, (status, first, resolved) in enumerate(rows, 1):
        channel = "Email" if i % 2 else "Chat"
        lines.append(f"{i},{status},{channel},{first},{resolved}")
    path = tmp_path / "tickets.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def skew_lines(summary: IngestSummary) -> list[str]:
    return [w for w in summary.warnings if "rejected rows" in w]


def test_all_rejected_tickets_closed_is_reported_as_a_resolution_bias(tmp_path):
    # 20 tickets: 8 Closed (3 fine, 5 resolved before answered: rejected), 12 Open.
    # Closed: 8/20 = 40 % in the file, 3/15 = 20 % of the accepted rows.
    summary = ingest_files(
        [tickets_csv(tmp_path, closed_ok=3, closed_bad=5, open_n=12)],
        "tickets",
        tmp_path / "data",
        brand="Acme",
        now=NOW,
    )
    assert (summary.accepted, summary.rejected_total) == (15, 5)
    assert skew_lines(summary) == [
        "all 5 rejected rows have Ticket Status = Closed: resolution is biased "
        "(Closed: 20 % of the accepted rows against 40 % in the file)"
    ]
    assert (
        "warning: all 5 rejected rows have Ticket Status = Closed: resolution is biased "
        "(Closed: 20 % of the accepted rows against 40 % in the file)"
    ) in summary.lines()


def test_fewer_than_five_rejected_rows_carry_no_pattern(tmp_path):
    # 4 rejected, all Closed: too few to call a bias
    summary = ingest_files(
        [tickets_csv(tmp_path, closed_ok=3, closed_bad=4, open_n=13)],
        "tickets",
        tmp_path / "data",
        brand="Acme",
        now=NOW,
    )
    assert summary.rejected_total == 4
    assert skew_lines(summary) == []


CONTRACT = (
    "interaction_id,conversation_id,brand,channel,direction,author_id,author_followers,created_at"
)


def contract_csv(tmp_path: Path, rows: list[tuple[str, bool]]) -> Path:
    """(channel, rejected?) per row; a rejected row has a negative follower count."""
    lines = [CONTRACT]
    for i, (channel, bad) in enumerate(rows, 1):
        followers = -1 if bad else 10
        lines.append(f"m{i},c{i},Acme,{channel},inbound,u{i},{followers},2025-03-03 09:00")
    path = tmp_path / "export.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_a_value_over_represented_by_20_points_among_rejected_rows_is_reported(tmp_path):
    # 20 rows: 8 email (4 rejected), 12 twitter (1 rejected).
    # email: 4/5 = 80 % of the rejected against 8/20 = 40 % of all rows (+40 points);
    # accepted: 4/15 = 26.7 % -> "27 %"
    rows = [("email", i < 4) for i in range(8)] + [("twitter", i < 1) for i in range(12)]
    summary = ingest_files([contract_csv(tmp_path, rows)], "csv", tmp_path / "data", now=NOW)
    assert summary.rejected_total == 5
    assert skew_lines(summary) == [
        "80 % of the 5 rejected rows have channel = email, against 40 % of all rows: "
        "the channel mix is biased (email: 27 % of the accepted rows against 40 % in the file)"
    ]


def test_rejections_in_proportion_to_the_file_are_not_reported(tmp_path):
    # 20 rows: 10 email (3 rejected), 10 twitter (2 rejected).
    # email: 3/5 = 60 % of the rejected against 50 % of all rows: +10 points only
    rows = [("email", i < 3) for i in range(10)] + [("twitter", i < 2) for i in range(10)]
    summary = ingest_files([contract_csv(tmp_path, rows)], "csv", tmp_path / "data", now=NOW)
    assert summary.rejected_total == 5
    assert skew_lines(summary) == []


def test_a_value_every_row_has_is_no_bias(tmp_path):
    # all 20 rows are email: the 5 rejected are email too, and so is everything kept
    rows = [("email", i < 5) for i in range(20)]
    summary = ingest_files([contract_csv(tmp_path, rows)], "csv", tmp_path / "data", now=NOW)
    assert summary.rejected_total == 5
    assert skew_lines(summary) == []
