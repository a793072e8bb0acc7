"""The data's bounds, which every page and report starts from."""

from __future__ import annotations

import datetime as dt

from dashboard.views import bounds
from tests.conftest import at, message


def test_bounds_list_local_days_brands_and_entry_channels(make_db):
    # Acme on twitter at 2025-03-03 09:00 UTC; Bolt on email at 2025-03-05 23:30 UTC,
    # which is already 6 March in Tokyo (UTC+9)
    con = make_db(
        [
            message("a", "inbound", at(0)),
            message("a", "outbound", at(5), channel="email"),
            message("b", "inbound", at(14 * 60 + 30, days=2), brand="Bolt", channel="email"),
        ]
    )
    utc = bounds.data_bounds(con, "UTC")
    assert (utc.first_day, utc.last_day) == (dt.date(2025, 3, 3), dt.date(2025, 3, 5))
    assert utc.brands == ["Acme", "Bolt"]
    assert utc.channels == ["email", "twitter"]  # entry channels only
    assert utc.conversations == 2
    assert bounds.data_bounds(con, "Asia/Tokyo").last_day == dt.date(2025, 3, 6)


def test_bounds_of_an_empty_data_dir_have_no_days_and_no_conversations(make_db):
    empty = bounds.data_bounds(make_db([]), "UTC")
    assert (empty.first_day, empty.last_day, empty.conversations) == (None, None, 0)
    assert empty.brands == [] and empty.channels == []
