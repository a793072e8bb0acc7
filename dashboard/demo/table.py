"""The demo's simulated message columns (dashboard/demo/conversations.py) as an
Arrow table in the interactions schema: ids, reply links, texts with the agents'
sign-offs, and the nulls a real export has (phone calls without notes, messages
without a sentiment, unsigned replies)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dashboard.core.schema import CHANNELS, DIRECTIONS, INTERACTIONS
from dashboard.demo import params as dp
from dashboard.demo import text as tx
from dashboard.demo.brands import BRAND_NAMES, BRANDS
from dashboard.demo.conversations import INBOUND, OUTBOUND
from dashboard.demo.staff import STAFF

TEXTS = pa.array(tx.render_texts(), pa.string())
_HANDLES = pa.array([b.handle for b in BRANDS], pa.string())
_BRANDS = pa.array(BRAND_NAMES, pa.string())
_CHANNELS = pa.array(CHANNELS, pa.string())
_DIRECTIONS = pa.array(DIRECTIONS, pa.string())
_AGENTS = pa.array(STAFF.names, pa.string())
_SIGNOFFS = pa.array(STAFF.signoffs + [""], pa.string())  # the last: unsigned


def to_table(
    rows: dict[str, np.ndarray], brand_of_conv: np.ndarray, id_prefix: str, rng: np.random.Generator
) -> pa.Table:
    """Arrow table in the interactions schema, rows in time order. `rows` must be
    sorted by (conversation, time)."""
    n = len(rows["conv"])
    conv = rows["conv"]
    first = np.r_[True, conv[1:] != conv[:-1]]
    position = np.arange(n) - np.maximum.accumulate(np.where(first, np.arange(n), 0))
    order = np.argsort(rows["t"], kind="stable")
    inverse = np.empty(n, np.int64)
    inverse[order] = np.arange(n)
    previous = inverse[np.maximum(np.arange(n) - 1, 0)][order]  # previous message's new row
    rows = {name: col[order] for name, col in rows.items()}
    conv, position, first = conv[order], position[order], first[order]
    brand = brand_of_conv[conv]
    direction = rows["dir"]

    conversation_id = pc.binary_join_element_wise(
        id_prefix, pc.cast(pa.array(conv), pa.string()), ""
    )
    interaction_id = pc.binary_join_element_wise(
        conversation_id, pc.cast(pa.array(position), pa.string()), "."
    )
    in_reply_to = pc.if_else(
        pa.array(first), pa.scalar(None, pa.string()), interaction_id.take(pa.array(previous))
    )
    customer = pc.binary_join_element_wise(
        "cust-", pc.cast(pa.array(rows["author"]), pa.string()), ""
    )
    author = pc.if_else(pa.array(direction == OUTBOUND), _HANDLES.take(pa.array(brand)), customer)
    followers = customer_followers_column(rows, direction)
    micros = (np.rint(rows["t"] * 1000.0) * 1000).astype(np.int64)  # millisecond precision
    text_id = tx.text_index(brand, rows["kind"], rows["bucket"], rng.integers(0, tx.VARIANTS, n))
    # some phone calls have no notes; ~2% of inbound messages carry no sentiment
    no_text = (rows["ch"] == dp.C["phone"]) & (rng.random(n) < 0.3)
    # a signed reply ends with its agent's sign-off (" ^PS"); unsigned ones with nothing
    agent = rows["agent"]
    signoff = _SIGNOFFS.take(pa.array(np.where(agent >= 0, agent, len(STAFF.names))))
    text = pc.binary_join_element_wise(TEXTS.take(pa.array(text_id, mask=no_text)), signoff, "")
    sentiment = np.round(rows["sent"], 4)
    sentiment[(direction == INBOUND) & (rng.random(n) < 0.02)] = np.nan

    columns = {
        "interaction_id": interaction_id,
        "conversation_id": conversation_id,
        "brand": _BRANDS.take(pa.array(brand)),
        "channel": _CHANNELS.take(pa.array(rows["ch"])),
        "direction": _DIRECTIONS.take(pa.array(direction)),
        "author_id": author,
        "author_followers": pa.array(followers, pa.int64(), mask=followers < 0),
        "created_at": pa.array(micros, pa.timestamp("us", tz="UTC")),
        "in_reply_to": in_reply_to,
        "text": text,
        "sentiment": pa.array(sentiment, pa.float64(), mask=np.isnan(sentiment)),
        "csat": pa.array(rows["csat"], pa.int8(), mask=rows["csat"] < 0),
        "nps": pa.array(rows["nps"], pa.int8(), mask=rows["nps"] < 0),
        "resolved": pa.array(rows["resolved"] == 1, pa.bool_(), mask=rows["resolved"] < 0),
        # every demo message has its real time
        "time_known": pa.nulls(n, pa.bool_()),
        "agent_id": _AGENTS.take(pa.array(agent, mask=agent < 0)),
    }
    return pa.table(columns, schema=INTERACTIONS)


def customer_followers_column(rows: dict[str, np.ndarray], direction: np.ndarray) -> np.ndarray:
    """author_followers: the customer's count on inbound messages (-1 = unknown);
    unknown for brand and peer messages."""
    return np.where(direction == INBOUND, rows["followers"], -1)
