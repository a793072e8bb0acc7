"""What the peers of `chi bench` (peer_pandas.py, peer_polars.py, peer_duckdb.py) are
given and what they compute: each page's default view (the last 90 days with data,
every brand and channel), from the raw Parquet alone.

The figures of a page's default view that a peer computes (point estimates and their
n; the intervals are a few hundred rows of arithmetic on the same sums and are left
out, which flatters the peers):

- overview: conversations, response rate, median first response, Speed and the index
  over the period; the index by week (the trend);
- happiness: the index by brand and week, and by brand over the period;
- consistency: the index by brand and entry channel; by brand, switched or not;
- engagement: per brand account (brand x channel) mean followers, posts, engagements,
  conversations entering there, engagement rate (the size curve's fit is the same
  Python on those few rows either way, so it is left out);
- people: per brand and agent the conversations the agent wrote in, their index, and
  the median of the agent's timed first responses;
- board: the index by brand over the board's current and previous 30 days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from dashboard.core.config import Config, display_names
from dashboard.core.filters import Filters
from dashboard.core.vocabulary import DEFAULT_TARGET_S
from dashboard.data.store import table_dir

PAGES = ("overview", "happiness", "engagement", "consistency", "people", "board")
COMPONENTS = ("mood", "speed", "resolution", "effort", "satisfaction")
KEYS = ["brand", "conversation_id"]  # a conversation
# the raw columns the pandas and Polars peers read
RAW = [
    "interaction_id",
    "conversation_id",
    "brand",
    "channel",
    "direction",
    "author_id",
    "agent_id",
    "created_at",
    "sentiment",
    "csat",
    "resolved",
    "time_known",
]


@dataclass(frozen=True)
class PeerInput:
    """A page's default selection and the config rules a peer needs (picklable: the
    peers run in a child process so their memory is measured apart)."""

    data_dir: Path
    date_from: dt.date
    date_to: dt.date
    tz: str
    weights: dict[str, float]
    targets_s: dict[str, float]
    resolution_rule: str
    board_periods: dict[str, tuple[dt.date, dt.date]]
    # [brands] keyed in lower case: source name -> display name
    brands: dict[str, str] = field(default_factory=dict)
    default_target_s: float = float(DEFAULT_TARGET_S)


def peer_input(
    data_dir: Path,
    config: Config,
    filters: Filters,
    board_periods: dict[str, tuple[dt.date, dt.date]],
) -> PeerInput:
    return PeerInput(
        Path(data_dir),
        filters.date_from,
        filters.date_to,
        filters.tz,
        dict(config.weights),
        {k: float(v) for k, v in config.targets_s.items()},
        config.resolution_rule,
        board_periods,
        display_names(config.brands),
    )


def raw_glob(data_dir: Path, table: str = "interactions") -> str:
    return str(table_dir(Path(data_dir), table) / "month=*" / "*.parquet")
