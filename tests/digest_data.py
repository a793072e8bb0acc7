"""The digest's hand-made log and hand-made section frames (tests/test_digest*.py).

Weeks start on Monday; at(0) is Mon 3 March 2025 09:00 UTC. Every conversation is one
customer message on twitter (target 1 h) answered by the brand with a resolved flag,
so speed is the share answered within the hour, resolution and effort are 100 and
nobody rated anything (satisfaction has no data: its weight 0.2 drops out, the
others sum to 0.8). min_n = 4 (chi.toml).

  Acme, previous week (3-9 Mar): 4 conversations, sentiment +0.2, answered in 10 min
      mood 50 x (1 + 0.2) = 60, speed 4/4 = 100
      index (0.3 x 60 + 0.2 x 100 + 0.2 x 100 + 0.1 x 100) / 0.8 = 68 / 0.8 = 85.0
  Acme, week (10-16 Mar): 5 conversations, sentiment +0.6, one answered after 2 h
      mood 50 x 1.6 = 80, speed 4/5 = 80
      index (0.3 x 80 + 0.2 x 80 + 0.2 x 100 + 0.1 x 100) / 0.8 = 70 / 0.8 = 87.5
      change 87.5 - 85.0 = +2.5 = mood 0.3 x (80 - 60) / 0.8 = +7.5
                                 + speed 0.2 x (80 - 100) / 0.8 = -5.0
  Bluebird: 2 conversations the previous week (under min n), 4 this week at +0.2:
      index 85.0 (as Acme's previous week), no change
  HOSTILE (a name that is markup): 1 conversation this week: not enough data
  Acme, Tue 18 Mar: 1 conversation in the next, incomplete week: the data's last day
      is 18 Mar, so the last complete week is 10-16 Mar; its reply at 09:10 is the
      newest timestamp, the as-of time.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from tests.conftest import at, message, write_rows

HOSTILE = (
    '<script>window.__pwned=1</script><img src="http://evil.example/x.png" '
    'onerror="window.__pwned=2">[x](http://evil.example/md)'
)
MIN_N = 4
WEEK_FROM, WEEK_TO = dt.date(2025, 3, 10), dt.date(2025, 3, 16)


def digest_rows() -> list[dict]:
    rows: list[dict] = []

    def conversation(cid: str, day: int, sentiment: float, brand: str, reply_min: int = 10):
        rows.append(message(cid, "inbound", at(0, days=day), brand=brand, sentiment=sentiment))
        rows.append(message(cid, "outbound", at(reply_min, days=day), brand=brand, resolved=True))

    for k in range(4):
        conversation(f"acme-p{k}", k, 0.2, "Acme")
    for k in range(5):
        conversation(f"acme-c{k}", 7 + k, 0.6, "Acme", reply_min=120 if k == 0 else 10)
    for k in range(2):
        conversation(f"blue-p{k}", k, 0.2, "Bluebird")
    for k in range(4):
        conversation(f"blue-c{k}", 7 + k, 0.2, "Bluebird")
    conversation("evil-c0", 8, 0.0, HOSTILE)
    conversation("acme-late", 15, -0.5, "Acme")
    return rows


def write_digest_data(data_dir: Path) -> Path:
    write_rows(data_dir, "interactions", digest_rows())
    (data_dir / "chi.toml").write_text(f"min_n = {MIN_N}\n", encoding="utf-8")
    return data_dir


def alerts_frame() -> pl.DataFrame:
    """Two alerts of the documented shape (dashboard/views/digest_sources.py), one on a
    day outside the week (the adapter drops it), one of a brand named as markup."""
    return pl.DataFrame(
        {
            "day": [dt.date(2025, 3, 17), dt.date(2025, 3, 12), dt.date(2025, 3, 11)],
            "brand": ["Acme", HOSTILE, "Acme"],
            "channel": [None, "twitter", None],
            "metric": ["volume", "index", "volume"],
            "value": [149.0, 41.7, 30.0],
            "expected": [12.0, 70.2, 11.0],
            "score": [9.1, -5.3, 4.2],
            "n": [149, 30, 30],
            "direction": ["up", "down", "up"],
        }
    )


def movers_frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "brand": ["Acme", HOSTILE],
            "index_now": [87.5, 40.0],
            "index_before": [80.0, 52.0],
            "change_points": [7.5, -12.0],
            "change_low": [2.0, -18.5],
            "change_high": [13.0, -5.5],
            "n_now": [500, 210],
            "n_before": [480, 230],
            "direction": ["up", "down"],
        }
    )


def topics_frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "brand": ["Acme", "Acme"],
            "term": ["outage", "<b>refund</b>"],
            "count": [120, 45],
            "score": [8.4, 3.1],
            "mood": [-0.62, None],
            "n_messages": [118, 44],  # of the messages containing the term, those with a mood
        }
    )
