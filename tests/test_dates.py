"""Dates in users' files: one reading per file, stated in the summary; ambiguous,
unreadable and implausible dates rejected with their reason, never stored.

Every file here is hand-made: rows are numbered from 1 (the header is not counted), and
each test says which rows are accepted and why.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dashboard.cli import main
from dashboard.ingest import IngestError, IngestSummary, ingest_files
from dashboard.ingest.dates import AMBIGUOUS, MIXED

NOW = dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.UTC)
REJECTED_AMBIGUOUS = f"column 'created_at': {AMBIGUOUS}"
HEADER = "interaction_id,conversation_id,brand,channel,direction,author_id,created_at"


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


def contract_csv(
    tmp_path: Path, stamps: list[str], name: str = "export.csv", prefix: str = "m"
) -> Path:
    """One inbound message per stamp: interaction <prefix><row>, conversation c<prefix><row>."""
    lines = [HEADER] + [
        f"{prefix}{i},c{prefix}{i},Acme,chat,inbound,cust{i},{stamp}"
        for i, stamp in enumerate(stamps, 1)
    ]
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n")
    return path


def ingest(tmp_path: Path, paths: list[Path], **options) -> IngestSummary:
    summary = ingest_files(paths, "csv", tmp_path / "data", now=NOW, **options)
    assert summary.accepted + summary.rejected_total + summary.duplicates_skipped == (
        summary.rows_read
    ), "a row was lost"
    return summary


def stored_times(tmp_path: Path) -> dict[str, dt.datetime]:
    rows = pl.read_parquet(tmp_path / "data" / "interactions" / "**" / "*.parquet")
    return dict(rows.select("interaction_id", "created_at").iter_rows())


def rejected_rows(summary: IngestSummary) -> dict[str, str]:
    table = pl.read_csv(summary.rejects_files[0], infer_schema=False)
    return dict(table.select("row", "reason").iter_rows())


def test_a_second_field_above_12_makes_the_whole_file_month_first(tmp_path):
    # row 2's 13 can only be a day, so 1/2/17 is 2 January 2017, not 1 February or 17 AD
    summary = ingest(tmp_path, [contract_csv(tmp_path, ["1/2/17 9:22", "1/13/17 10:00"])])
    assert (summary.accepted, summary.rejected_total) == (2, 0)
    assert stored_times(tmp_path) == {"m1": utc(2017, 1, 2, 9, 22), "m2": utc(2017, 1, 13, 10)}
    assert summary.dates == ["dates read as %m/%d/%y %H:%M (month first; two-digit years as 20yy)"]
    assert "dates read as %m/%d/%y %H:%M (month first" in "\n".join(summary.lines())


def test_a_first_field_above_12_makes_the_whole_file_day_first(tmp_path):
    summary = ingest(tmp_path, [contract_csv(tmp_path, ["13/01/2017 09:00", "01/02/2017 09:22"])])
    assert summary.accepted == 2
    assert stored_times(tmp_path) == {"m1": utc(2017, 1, 13, 9), "m2": utc(2017, 2, 1, 9, 22)}
    assert summary.dates == ["dates read as %d/%m/%Y %H:%M (day first)"]


def test_without_a_field_above_12_dates_whose_day_and_month_differ_are_rejected(tmp_path):
    # 01/02 and 03/04 could be either order; 05/05 reads the same both ways
    stamps = ["01/02/2017 09:22", "03/04/2017 10:00", "05/05/2017 11:00"]
    summary = ingest(tmp_path, [contract_csv(tmp_path, stamps)])
    assert (summary.accepted, summary.rejected_total) == (1, 2)
    assert summary.rejected == {f"column 'created_at': {AMBIGUOUS}": 2}
    assert rejected_rows(summary) == {"1": REJECTED_AMBIGUOUS, "2": REJECTED_AMBIGUOUS}
    assert stored_times(tmp_path) == {"m3": utc(2017, 5, 5, 11)}
    assert summary.dates == [
        "dates like '01/02/2017 09:22' have no day above 12 to tell day from month: 2 "
        "ambiguous dates rejected; give --date-format '%d/%m/%Y %H:%M' (day first) or "
        "'%m/%d/%Y %H:%M' (month first)"
    ]


def test_the_spreadsheet_date_1_2_17_alone_is_never_stored_as_the_year_17(tmp_path):
    path = contract_csv(tmp_path, ["1/2/17 9:22", "2025-03-03 09:00"])
    summary = ingest(tmp_path, [path])
    # row 1 is ambiguous (no value settles the order); the ISO row is read as ISO
    assert summary.rejected == {f"column 'created_at': {AMBIGUOUS}": 1}
    assert stored_times(tmp_path) == {"m2": utc(2025, 3, 3, 9)}
    assert summary.dates[0].startswith("dates like '1/2/17 9:22' have no day above 12")


def test_an_explicit_date_format_settles_the_order_for_every_row(tmp_path):
    stamps = ["01/02/2017 09:22", "03/04/2017 10:00", "05/05/2017 11:00"]
    summary = ingest(tmp_path, [contract_csv(tmp_path, stamps)], date_format="%d/%m/%Y %H:%M")
    assert (summary.accepted, summary.rejected_total) == (3, 0)
    assert stored_times(tmp_path) == {
        "m1": utc(2017, 2, 1, 9, 22),
        "m2": utc(2017, 4, 3, 10),
        "m3": utc(2017, 5, 5, 11),
    }
    assert summary.dates == ["dates read as %d/%m/%Y %H:%M (--date-format)"]


def test_an_explicit_date_format_rejects_what_it_does_not_read(tmp_path):
    # row 2 is ISO, but the format given applies to every value
    path = contract_csv(tmp_path, ["1/2/17 9:22", "2025-03-03 09:00"])
    summary = ingest(tmp_path, [path], date_format="%m/%d/%y %H:%M")
    assert stored_times(tmp_path) == {"m1": utc(2017, 1, 2, 9, 22)}
    assert rejected_rows(summary) == {
        "2": "column 'created_at': not a timestamp in --date-format %m/%d/%y %H:%M"
    }


def test_a_four_digit_year_format_on_a_two_digit_year_gives_17_ad_which_is_rejected(tmp_path):
    summary = ingest(
        tmp_path,
        [contract_csv(tmp_path, ["1/2/17 9:22", "1/2/2017 9:22"])],
        date_format="%d/%m/%Y %H:%M",
    )
    # %Y reads "17" as the year 17: implausible, so rejected rather than stored
    assert rejected_rows(summary) == {
        "1": "column 'created_at': before 2000-01-01 (implausible date)"
    }
    assert stored_times(tmp_path) == {"m2": utc(2017, 2, 1, 9, 22)}


def test_a_file_mixing_day_first_and_month_first_dates_rejects_them(tmp_path):
    stamps = ["13/01/2017 09:00", "01/13/2017 09:00", "05/05/2017 09:00"]
    summary = ingest(tmp_path, [contract_csv(tmp_path, stamps)])
    assert summary.rejected == {f"column 'created_at': {MIXED}": 2}
    assert stored_times(tmp_path) == {"m3": utc(2017, 5, 5, 9)}
    assert summary.dates == [
        "dates mix day-first (e.g. 13/01/2017) and month-first (e.g. 01/13/2017) values: "
        "2 rejected; give --date-format"
    ]


def test_dates_before_2000_and_after_tomorrow_are_rejected_with_their_reason(tmp_path):
    # NOW is 2025-06-01 12:00 UTC; the slack is one day, so 2025-06-02 11:00 is fine
    stamps = ["1999-12-31 23:59", "2000-01-01 00:00", "2025-06-02 11:00", "2025-06-02 13:00"]
    summary = ingest(tmp_path, [contract_csv(tmp_path, stamps)])
    assert rejected_rows(summary) == {
        "1": "column 'created_at': before 2000-01-01 (implausible date)",
        "4": "column 'created_at': in the future",
    }
    assert sorted(stored_times(tmp_path)) == ["m2", "m3"]


def test_each_file_of_a_run_gets_its_own_reading(tmp_path):
    us = contract_csv(tmp_path, ["1/13/2017 9:00", "2/1/2017 9:00"], "us.csv")
    eu = contract_csv(tmp_path, ["13/1/2017 9:00", "2/1/2017 9:00"], "eu.csv", prefix="n")
    summary = ingest(tmp_path, [us, eu])
    times = stored_times(tmp_path)
    assert times["m2"] == utc(2017, 2, 1, 9)  # us: month first -> 1 February
    assert times["n2"] == utc(2017, 1, 2, 9)  # eu: day first -> 2 January
    assert summary.dates == [
        "us.csv: dates read as %m/%d/%Y %H:%M (month first)",
        "eu.csv: dates read as %d/%m/%Y %H:%M (day first)",
    ]


def test_iso_dates_with_and_without_an_offset_are_one_reading(tmp_path):
    stamps = ["2025-03-03T09:00:00Z", "2025-03-03 10:00:00+01:00", "2025-03-03 11:00"]
    summary = ingest(tmp_path, [contract_csv(tmp_path, stamps)])
    assert stored_times(tmp_path) == {
        "m1": utc(2025, 3, 3, 9),
        "m2": utc(2025, 3, 3, 9),
        "m3": utc(2025, 3, 3, 11),
    }
    assert summary.dates == ["dates read as ISO 8601"]


def test_a_date_without_a_time_of_day_is_stored_with_time_known_false(tmp_path):
    summary = ingest(tmp_path, [contract_csv(tmp_path, ["2025-03-03", "2025-03-03 09:30"])])
    rows = pl.read_parquet(tmp_path / "data" / "interactions" / "**" / "*.parquet").sort(
        "interaction_id"
    )
    assert rows["created_at"].to_list() == [utc(2025, 3, 3), utc(2025, 3, 3, 9, 30)]
    assert rows["time_known"].to_list() == [False, None]
    assert summary.warnings == [
        "speed unavailable for 1 conversations: their first message gives only its day, "
        "no time of day (stored at 00:00 UTC with time_known = false)"
    ]


def test_a_day_first_answer_in_another_column_settles_a_tickets_file(tmp_path):
    # First Response Time alone (01/02) is ambiguous; Time to Resolution's 13/02 is not,
    # and the reading is one for the whole file: 1 February, resolved 13 February
    path = tmp_path / "tickets.csv"
    path.write_text(
        "Ticket ID,Ticket Status,Ticket Channel,First Response Time,Time to Resolution\n"
        "1,Closed,Email,01/02/2023 10:00,13/02/2023 16:00\n"
    )
    summary = ingest_files([path], "tickets", tmp_path / "data", brand="Acme", now=NOW)
    assert summary.accepted == 1
    assert summary.dates == ["dates read as %d/%m/%Y %H:%M (day first)"]
    times = stored_times(tmp_path)
    assert times["Acme:ticket-1:reply"] == utc(2023, 2, 1, 10)
    assert times["Acme:ticket-1:close"] == utc(2023, 2, 13, 16)


def test_typed_parquet_timestamps_outside_the_plausible_range_are_rejected(tmp_path):
    path = tmp_path / "typed.parquet"
    stamps = [utc(17, 2, 1, 9, 22), utc(2025, 3, 3, 9)]
    pq.write_table(
        pa.table(
            {
                "interaction_id": ["m1", "m2"],
                "conversation_id": ["c1", "c2"],
                "brand": ["Acme"] * 2,
                "channel": ["chat"] * 2,
                "direction": ["inbound"] * 2,
                "author_id": ["u1", "u2"],
                "created_at": pa.array(stamps, pa.timestamp("us", tz="UTC")),
            }
        ),
        path,
    )
    summary = ingest_files([path], "parquet", tmp_path / "data", now=NOW)
    assert summary.rejected == {"column 'created_at': before 2000-01-01 (implausible date)": 1}
    assert stored_times(tmp_path) == {"m2": utc(2025, 3, 3, 9)}


@pytest.mark.parametrize(
    ("fmt", "problem"),
    [
        ("%H:%M", "it has no year (%Y or %y)"),
        ("%Y %H:%M", "it has no month (%m or %b)"),
        ("%Y-%m %H:%M", "it has no day (%d)"),
    ],
)
def test_an_unusable_date_format_is_fatal_before_anything_is_read(tmp_path, fmt, problem):
    path = contract_csv(tmp_path, ["2025-03-03 09:00"])
    with pytest.raises(IngestError, match=rf"--date-format '{fmt}': not a usable format: "):
        ingest(tmp_path, [path], date_format=fmt)
    with pytest.raises(IngestError) as caught:
        ingest(tmp_path, [path], date_format=fmt)
    assert str(caught.value).endswith(problem)
    assert not (tmp_path / "data" / "interactions").exists()


def test_chi_ingest_takes_a_date_format_and_states_it(tmp_path, capsys):
    path = contract_csv(tmp_path, ["01/02/2017 09:22"])
    data = tmp_path / "data"
    code = main(
        ["ingest", str(path), "--format", "csv", "--date-format", "%d/%m/%Y %H:%M"]
        + ["--data", str(data)]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "dates read as %d/%m/%Y %H:%M (--date-format)" in out.splitlines()
    assert stored_times(tmp_path) == {"m1": utc(2017, 2, 1, 9, 22)}


def test_chi_ingest_with_an_unusable_date_format_exits_2_with_one_line(tmp_path, capsys):
    path = contract_csv(tmp_path, ["01/02/2017 09:22"])
    code = main(["ingest", str(path), "--format", "csv", "--date-format", "%H:%M"])
    assert code == 2
    err = capsys.readouterr().err
    assert err == (
        "chi ingest: --date-format '%H:%M': not a usable format: it has no year (%Y or %y)\n"
    )
