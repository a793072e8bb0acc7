"""Peer (a) of `chi bench`: each page's default figures the way a typical dashboard
computes them, in pandas over the raw Parquet (load the columns, sort, group by
conversation). The same rules as peer_polars.py (docs/METRICS.md), written in pandas;
tests/test_bench_peers.py checks that both give the product's numbers.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import polars as pl

from dashboard.bench.peer_common import COMPONENTS, KEYS, PAGES, RAW, PeerInput
from dashboard.data.store import table_dir


def _display_brands(frame: pd.DataFrame, brands: dict[str, str]) -> pd.DataFrame:
    if brands:  # [brands]: source names matched without case
        mapped = frame["brand"].str.lower().map(brands)
        frame["brand"] = mapped.fillna(frame["brand"])
    return frame


def _read(peer: PeerInput, table: str, columns: list[str] | None = None) -> pd.DataFrame:
    frame = pd.read_parquet(table_dir(peer.data_dir, table), columns=columns)
    for column in ("brand", "channel"):
        if column in frame and isinstance(frame[column].dtype, pd.CategoricalDtype):
            frame[column] = frame[column].astype(str)  # the month partition read as categories
    return _display_brands(frame, peer.brands)


def conversations(peer: PeerInput) -> pd.DataFrame:
    """One row per conversation (with an inbound message), as peer_polars.conversations."""
    m = _read(peer, "interactions", RAW)
    m["time_known"] = m["time_known"].fillna(True).astype(bool)
    m["late"] = m["direction"] != "inbound"
    # the ordering rule: time, then inbound first, then the interaction id
    m = m.sort_values([*KEYS, "created_at", "late", "interaction_id"], ignore_index=True)
    m["pos"] = m.groupby(KEYS, sort=False).cumcount()
    groups = m.groupby(KEYS, sort=False)
    inbound_rows = m[m["direction"] == "inbound"]
    inbound = inbound_rows.groupby(KEYS, sort=False).agg(
        first_at=("created_at", "first"),
        first_tk=("time_known", "first"),
        channel=("channel", "first"),
        inbound_n=("pos", "size"),
        mood=("sentiment", "last"),  # pandas' last skips nulls: the last with a sentiment
    )
    resolved = m["resolved"].astype("boolean")
    whole = pd.DataFrame(
        {
            "last_at": groups["created_at"].max(),
            "last_dir": groups["direction"].nth(-1).set_axis(groups.size().index),
            "last_sent": groups["sentiment"].nth(-1).set_axis(groups.size().index),
            "channels_used": groups["channel"].nunique(),
            "flags": resolved.groupby([m["brand"], m["conversation_id"]], sort=False).count(),
            "flagged": resolved.fillna(False)
            .groupby([m["brand"], m["conversation_id"]], sort=False)
            .any(),
            "csat": groups["csat"].last(),
            "resolved_pos": m["pos"]
            .where(resolved.fillna(False))
            .groupby([m["brand"], m["conversation_id"]], sort=False)
            .max(),
        }
    )
    later = m.join(whole["resolved_pos"].dropna(), on=KEYS, how="inner")
    later = later[(later["direction"] == "inbound") & (later["pos"] > later["resolved_pos"])]
    came_back = (
        later.sort_values("pos").groupby(KEYS, sort=False)["sentiment"].nth(0).fillna(0) < 0.05
    )
    came_back.index = later.sort_values("pos").groupby(KEYS, sort=False).size().index
    opening = inbound[["first_at", "first_tk", "channel"]].rename(columns={"channel": "entry"})
    after = m[m["direction"] != "inbound"].join(opening, on=KEYS, how="inner")
    after = after[
        (after["created_at"] > after["first_at"])
        | (~after["first_tk"] & (after["created_at"] >= after["first_at"]))
    ]
    answers = after[
        (after["direction"] == "outbound")
        | ((after["direction"] == "peer") & (after["entry"] == "community"))
    ]
    responses = answers.groupby(KEYS, sort=False).agg(
        resp_at=("created_at", "first"), resp_tk=("time_known", "first")
    )
    outbound = after[after["direction"] == "outbound"].groupby(KEYS, sort=False)
    firsts = pd.DataFrame(
        {
            "out_at": outbound["created_at"].first(),
            "out_tk": outbound["time_known"].first(),
            "first_agent": outbound["agent_id"].nth(0).set_axis(outbound.size().index),
        }
    )
    signed = m[(m["direction"] == "outbound") & m["agent_id"].notna()]
    agents = signed.groupby(KEYS, sort=False)["agent_id"].agg(lambda s: sorted(set(s)))
    conv = (
        inbound.join(whole, how="inner")
        .join(responses)
        .join(firsts)
        .join(came_back.rename("came_back"))
        .join(agents.rename("agents"))
        .reset_index()
    )
    return _flags(conv, m["created_at"].max(), peer)


def _flags(conv: pd.DataFrame, as_of: pd.Timestamp, peer: PeerInput) -> pd.DataFrame:
    target = conv["channel"].map(peer.targets_s).fillna(peer.default_target_s)
    answered = conv["resp_at"].notna()
    known = conv["first_tk"].astype(bool) & conv["resp_tk"].fillna(False).astype(bool)
    first_response_s = ((conv["resp_at"] - conv["first_at"]).dt.total_seconds()).where(known)
    out_known = conv["first_tk"].astype(bool) & conv["out_tk"].fillna(False).astype(bool)
    waiting_s = (as_of - conv["last_at"]).dt.total_seconds()
    # "don't disappear after I say yes"
    dropped = (
        answered
        & (conv["last_dir"] == "inbound")
        & (conv["last_sent"].fillna(0) < 0.05)
        & (waiting_s > target)
    )
    within = pd.Series(pd.NA, index=conv.index, dtype="boolean")
    within[~answered] = False
    timed = first_response_s.notna()
    within[timed] = first_response_s[timed] <= target[timed]
    stayed = peer.resolution_rule == "stayed_resolved"
    came_back = conv["came_back"].fillna(False).astype(bool)
    flagged = conv["flagged"].astype(bool) & ~(came_back & stayed)
    return pd.DataFrame(
        {
            "brand": conv["brand"],
            "channel": conv["channel"],
            "agents": conv["agents"],
            "first_agent": conv["first_agent"],
            "first_response_s": first_response_s,
            "first_outbound_s": (conv["out_at"] - conv["first_at"])
            .dt.total_seconds()
            .where(out_known),
            "answered": answered,
            "day": conv["first_at"].dt.tz_convert(peer.tz).dt.date,
            "switched": conv["channels_used"] > 1,
            "within": within,
            "resolved": flagged.where(conv["flags"] > 0, answered & ~dropped),
            "effortless": (conv["inbound_n"] <= 2) & (conv["channels_used"] == 1),
            "mood": conv["mood"],
            "csat": conv["csat"],
        }
    )


def _sums(frame: pd.DataFrame, keys: list[str], weights: dict[str, float]) -> pd.DataFrame:
    frame = frame.assign(
        within_true=frame["within"].fillna(False).astype(bool),
        timed=frame["within"].notna(),
        satisfied=frame["csat"] >= 4,
    )
    spec = {
        "conversations": ("answered", "size"),
        "answered_n": ("answered", "sum"),
        "mood_sum": ("mood", "sum"),
        "mood_n": ("mood", "count"),
        "within_n": ("within_true", "sum"),
        "timed_n": ("timed", "sum"),
        "resolved_n": ("resolved", "sum"),
        "effortless_n": ("effortless", "sum"),
        "satisfied_n": ("satisfied", "sum"),
        "rated_n": ("csat", "count"),
    }
    if keys:
        sums = frame.groupby(keys, sort=False).agg(**spec).reset_index()
    else:
        sums = pd.DataFrame({name: [frame[c].agg(how)] for name, (c, how) in spec.items()})
    return _scored(sums, weights)


def _scored(sums: pd.DataFrame, weights: dict[str, float]) -> pd.DataFrame:
    def share(k: str, n: str) -> pd.Series:
        return (100 * sums[k] / sums[n]).where(sums[n] > 0)

    sums["mood"] = (50 * (1 + sums["mood_sum"] / sums["mood_n"])).where(sums["mood_n"] > 0)
    sums["speed"] = share("within_n", "timed_n")
    sums["resolution"] = share("resolved_n", "conversations")
    sums["effort"] = share("effortless_n", "conversations")
    sums["satisfaction"] = share("satisfied_n", "rated_n")
    sums["response_rate"] = share("answered_n", "conversations")
    parts = sums[list(COMPONENTS)]
    w = np.array([weights[c] for c in COMPONENTS])
    present = parts.notna().to_numpy() * w
    total = np.nan_to_num(parts.to_numpy(dtype=float)) * w
    sums["happiness_index"] = np.where(
        present.sum(axis=1) > 0, total.sum(axis=1) / np.maximum(present.sum(axis=1), 1e-300), np.nan
    )
    return sums


def _within(frame: pd.DataFrame, date_from: dt.date, date_to: dt.date) -> pd.DataFrame:
    return frame[(frame["day"] >= date_from) & (frame["day"] <= date_to)]


def page(name: str, peer: PeerInput) -> dict[str, pl.DataFrame]:
    """The figures of page `name`'s default view (peer_common says which)."""
    w = peer.weights
    conv = conversations(peer)
    now = _within(conv, peer.date_from, peer.date_to)
    out: dict[str, pd.DataFrame]
    if name == "overview":
        kpis = _sums(now, [], w).assign(first_response_s=now["first_response_s"].median())
        weeks = now.assign(
            week=pd.to_datetime(now["day"]).dt.to_period("W-SUN").dt.start_time.dt.date
        )
        out = {"kpis": kpis, "trend": _sums(weeks, ["week"], w)}
    elif name == "happiness":
        weeks = now.assign(
            week=pd.to_datetime(now["day"]).dt.to_period("W-SUN").dt.start_time.dt.date
        )
        out = {"weekly": _sums(weeks, ["brand", "week"], w), "by_brand": _sums(now, ["brand"], w)}
    elif name == "consistency":
        out = {
            "by_channel": _sums(now, ["brand", "channel"], w),
            "switched": _sums(now, ["brand", "switched"], w),
        }
    elif name == "engagement":
        out = {"accounts": _accounts(now, peer)}
    elif name == "people":
        out = {"agents": _agents(now, w)}
    elif name == "board":
        out = {
            label: _sums(_within(conv, start, end), ["brand"], w)
            for label, (start, end) in peer.board_periods.items()
        }
    else:
        raise ValueError(f"unknown page {name!r}; pages: {', '.join(PAGES)}")
    return {k: pl.from_pandas(v.drop(columns=["agents"], errors="ignore")) for k, v in out.items()}


def _accounts(now: pd.DataFrame, peer: PeerInput) -> pd.DataFrame:
    audience = _read(peer, "audience")
    audience = audience[(audience["date"] >= peer.date_from) & (audience["date"] <= peer.date_to)]
    audience = audience.assign(
        engagements=audience["likes"] + audience["comments"] + audience["shares"]
    )
    accounts = audience.groupby(["brand", "channel"]).agg(
        followers=("followers", "mean"), posts=("posts", "sum"), engagements=("engagements", "sum")
    )
    entries = now.groupby(["brand", "channel"]).size().rename("conversations")
    accounts = accounts.join(entries).fillna({"conversations": 0}).reset_index()
    accounts["engagement_rate_pct"] = (
        100 * accounts["engagements"] / accounts["posts"] / accounts["followers"]
    )
    return accounts


def _agents(now: pd.DataFrame, w: dict[str, float]) -> pd.DataFrame:
    wrote = now.explode("agents").dropna(subset=["agents"]).rename(columns={"agents": "agent_id"})
    sums = _sums(wrote, ["brand", "agent_id"], w)
    firsts = (
        now.dropna(subset=["first_agent"])
        .groupby(["brand", "first_agent"])["first_outbound_s"]
        .median()
        .rename("median_first_response_s")
    )
    firsts.index = firsts.index.set_names(["brand", "agent_id"])
    return sums.join(firsts, on=["brand", "agent_id"])
