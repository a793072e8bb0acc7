"""The data contract (docs/DATA.md) as code: column names, types and allowed values."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa

CHANNELS: tuple[str, ...] = (
    "twitter",
    "facebook",
    "instagram",
    "linkedin",
    "youtube",
    "email",
    "phone",
    "chat",
    "community",
    "review",
    "other",
)
# Channels whose default response target is the social one (1 hour,
# vocabulary.DEFAULT_TARGET_S; tests/test_config.py keeps default_config.toml in step).
SOCIAL_CHANNELS: tuple[str, ...] = (
    "twitter",
    "facebook",
    "instagram",
    "linkedin",
    "youtube",
    "review",
    "other",
)
DIRECTIONS: tuple[str, ...] = ("inbound", "outbound", "peer")

INTERACTIONS = pa.schema(
    [
        pa.field("interaction_id", pa.string(), nullable=False),
        pa.field("conversation_id", pa.string(), nullable=False),
        pa.field("brand", pa.string(), nullable=False),
        pa.field("channel", pa.string(), nullable=False),
        pa.field("direction", pa.string(), nullable=False),
        pa.field("author_id", pa.string(), nullable=False),
        pa.field("author_followers", pa.int64()),
        pa.field("created_at", pa.timestamp("us", tz="UTC"), nullable=False),
        pa.field("in_reply_to", pa.string()),
        pa.field("text", pa.string()),
        pa.field("sentiment", pa.float64()),
        pa.field("csat", pa.int8()),
        pa.field("nps", pa.int8()),
        pa.field("resolved", pa.bool_()),
        # false when the source does not give this message's time, only its day or its
        # place in the conversation (created_at is then a stand-in: no duration is
        # measured from it); null or true: created_at is the real time
        pa.field("time_known", pa.bool_()),
        # who on the brand's side wrote an outbound message (the brand's own staff, as
        # the source names them: not pseudonymised, never in a public output); null for
        # inbound and peer messages and for unsigned replies
        pa.field("agent_id", pa.string()),
    ]
)

AUDIENCE = pa.schema(
    [
        pa.field("brand", pa.string(), nullable=False),
        pa.field("channel", pa.string(), nullable=False),
        pa.field("date", pa.date32(), nullable=False),
        pa.field("followers", pa.int64(), nullable=False),
        pa.field("posts", pa.int64(), nullable=False),
        pa.field("likes", pa.int64(), nullable=False),
        pa.field("comments", pa.int64(), nullable=False),
        pa.field("shares", pa.int64(), nullable=False),
        pa.field("reach", pa.int64()),
        pa.field("impressions", pa.int64()),
    ]
)

# The plausible range of a stored time (created_at, date): importers reject anything
# before PLAUSIBLE_FROM or more than FUTURE_SLACK after the import, and the read side
# (dashboard/views/bounds.py) ignores what got in by other means.
PLAUSIBLE_FROM = dt.date(2000, 1, 1)
FUTURE_SLACK = dt.timedelta(days=1)

TABLES: dict[str, pa.Schema] = {"interactions": INTERACTIONS, "audience": AUDIENCE}

# The column each table is partitioned by month on ("month=YYYY-MM" folders).
PARTITION_TIME_COLUMN: dict[str, str] = {"interactions": "created_at", "audience": "date"}
