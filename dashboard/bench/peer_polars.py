"""Peer (b) of `chi bench`: each page's default figures the way a capable analyst writes
them by hand in Polars, lazily over the raw Parquet (no rollup, nothing cached between
calls). The rules are docs/METRICS.md's (Conversations, the index), written again in
Polars on purpose: this is what the product is measured against, and
tests/test_bench_peers.py checks that it gives the product's numbers.

Every page call derives the conversations from the raw log first, as a dashboard
without rollups does; `peer_pandas.py` is the same in pandas.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from dashboard.bench.peer_common import COMPONENTS, KEYS, PAGES, RAW, PeerInput, raw_glob


def _display_brands(frame: pl.LazyFrame, brands: dict[str, str]) -> pl.LazyFrame:
    if not brands:
        return frame
    lower = pl.col("brand").str.to_lowercase()  # [brands]: source names matched without case
    return frame.with_columns(
        brand=pl.when(lower.is_in(list(brands))).then(lower.replace(brands)).otherwise("brand")
    )


def _messages(data_dir: Path, brands: dict[str, str]) -> pl.LazyFrame:
    raw = _display_brands(pl.scan_parquet(raw_glob(data_dir), hive_partitioning=False), brands)
    raw = raw.select(RAW)
    # the ordering rule: time, then inbound before the brand's or a peer's message,
    # then the interaction id
    return (
        raw.with_columns(
            pl.col("time_known").fill_null(True), late=pl.col("direction") != "inbound"
        )
        .sort([*KEYS, "created_at", "late", "interaction_id"])
        .with_columns(pos=pl.int_range(pl.len()).over(KEYS))
    )


def conversations(peer: PeerInput) -> pl.LazyFrame:
    """One row per conversation (with an inbound message): its local day, entry channel,
    agents and the terms of the index."""
    m = _messages(peer.data_dir, peer.brands)
    inbound = (
        m.filter(pl.col("direction") == "inbound")
        .group_by(KEYS)
        .agg(
            first_at=pl.col("created_at").first(),
            first_tk=pl.col("time_known").first(),
            channel=pl.col("channel").first(),
            inbound_n=pl.len(),
            mood=pl.col("sentiment").drop_nulls().last(),
        )
    )
    whole = m.group_by(KEYS).agg(
        last_at=pl.col("created_at").max(),
        last_dir=pl.col("direction").last(),
        last_sent=pl.col("sentiment").last(),
        channels_used=pl.col("channel").n_unique(),
        flags=pl.col("resolved").count(),
        flagged=pl.col("resolved").any(),
        csat=pl.col("csat").drop_nulls().last(),
        resolved_pos=pl.col("pos").filter(pl.col("resolved")).max(),
    )
    reopen = (
        m.join(whole.select(*KEYS, "resolved_pos").drop_nulls("resolved_pos"), on=KEYS)
        .filter((pl.col("direction") == "inbound") & (pl.col("pos") > pl.col("resolved_pos")))
        .group_by(KEYS)
        .agg(next_sent=pl.col("sentiment").sort_by("pos").first())
        .select(*KEYS, came_back=pl.col("next_sent").fill_null(0) < 0.05)
    )
    opening = inbound.select(*KEYS, "first_at", "first_tk", entry=pl.col("channel"))
    after = m.join(opening, on=KEYS).filter(
        (pl.col("direction") != "inbound")
        & (
            (pl.col("created_at") > pl.col("first_at"))
            | (~pl.col("first_tk") & (pl.col("created_at") >= pl.col("first_at")))
        )
    )
    responses = (
        after.filter(
            (pl.col("direction") == "outbound")
            | ((pl.col("direction") == "peer") & (pl.col("entry") == "community"))
        )
        .group_by(KEYS)
        .agg(
            resp_at=pl.col("created_at").min(),
            resp_tk=pl.col("time_known").sort_by("pos").first(),
        )
    )
    outbound = (
        after.filter(pl.col("direction") == "outbound")
        .group_by(KEYS)
        .agg(
            out_at=pl.col("created_at").min(),
            out_tk=pl.col("time_known").sort_by("pos").first(),
            first_agent=pl.col("agent_id").sort_by("pos").first(),
        )
    )
    agents = (
        m.filter((pl.col("direction") == "outbound") & pl.col("agent_id").is_not_null())
        .group_by(KEYS)
        .agg(agents=pl.col("agent_id").unique())
    )
    as_of = m.select(pl.col("created_at").max()).collect().item()
    target = pl.col("channel").replace_strict(
        peer.targets_s, default=peer.default_target_s, return_dtype=pl.Float64
    )
    seconds = 1_000_000.0
    joined = (
        inbound.join(whole, on=KEYS)
        .join(responses, on=KEYS, how="left")
        .join(outbound, on=KEYS, how="left")
        .join(reopen, on=KEYS, how="left")
        .join(agents, on=KEYS, how="left")
        .with_columns(target_s=target, answered=pl.col("resp_at").is_not_null())
        .with_columns(
            first_response_s=pl.when(pl.col("first_tk") & pl.col("resp_tk")).then(
                (pl.col("resp_at") - pl.col("first_at")).dt.total_microseconds() / seconds
            ),
            first_outbound_s=pl.when(pl.col("first_tk") & pl.col("out_tk")).then(
                (pl.col("out_at") - pl.col("first_at")).dt.total_microseconds() / seconds
            ),
            # "don't disappear after I say yes"
            dropped=pl.col("answered")
            & (pl.col("last_dir") == "inbound")
            & (pl.col("last_sent").fill_null(0) < 0.05)
            & ((as_of - pl.col("last_at")).dt.total_microseconds() / seconds > pl.col("target_s")),
        )
    )
    stayed = peer.resolution_rule == "stayed_resolved"
    return joined.select(
        "brand",
        "channel",
        "agents",
        "first_agent",
        "first_response_s",
        "first_outbound_s",
        "answered",
        day=pl.col("first_at").dt.convert_time_zone(peer.tz).dt.date(),
        switched=pl.col("channels_used") > 1,
        within=pl.when(~pl.col("answered"))
        .then(False)
        .when(pl.col("first_response_s").is_not_null())
        .then(pl.col("first_response_s") <= pl.col("target_s")),
        resolved=pl.when(pl.col("flags") > 0)
        .then(pl.col("flagged") & ~(pl.lit(stayed) & pl.col("came_back").fill_null(False)))
        .otherwise(pl.col("answered") & ~pl.col("dropped")),
        effortless=(pl.col("inbound_n") <= 2) & (pl.col("channels_used") == 1),
        mood=pl.col("mood"),
        csat=pl.col("csat"),
    )


def _sums() -> list[pl.Expr]:
    return [
        pl.len().alias("conversations"),
        pl.col("answered").sum().alias("answered_n"),
        pl.col("mood").sum().alias("mood_sum"),
        pl.col("mood").count().alias("mood_n"),
        pl.col("within").sum().alias("within_n"),
        pl.col("within").count().alias("timed_n"),
        pl.col("resolved").sum().alias("resolved_n"),
        pl.col("effortless").sum().alias("effortless_n"),
        (pl.col("csat") >= 4).sum().alias("satisfied_n"),
        pl.col("csat").count().alias("rated_n"),
    ]


def _scored(frame: pl.LazyFrame, weights: dict[str, float]) -> pl.LazyFrame:
    def share(k: str, n: str) -> pl.Expr:
        return pl.when(pl.col(n) > 0).then(100 * pl.col(k) / pl.col(n))

    parts = {
        "mood": pl.when(pl.col("mood_n") > 0).then(
            50 * (1 + pl.col("mood_sum") / pl.col("mood_n"))
        ),
        "speed": share("within_n", "timed_n"),
        "resolution": share("resolved_n", "conversations"),
        "effort": share("effortless_n", "conversations"),
        "satisfaction": share("satisfied_n", "rated_n"),
    }
    frame = frame.with_columns(**parts)
    weighted = pl.sum_horizontal([pl.col(c).fill_null(0) * weights[c] for c in COMPONENTS])
    present = pl.sum_horizontal([pl.col(c).is_not_null() * weights[c] for c in COMPONENTS])
    return frame.with_columns(
        response_rate=share("answered_n", "conversations"),
        happiness_index=pl.when(present > 0).then(weighted / present),
    )


def _within(frame: pl.LazyFrame, date_from: dt.date, date_to: dt.date) -> pl.LazyFrame:
    return frame.filter(pl.col("day").is_between(date_from, date_to))


def page(name: str, peer: PeerInput) -> dict[str, pl.DataFrame]:
    """The figures of page `name`'s default view (peer_common.PAGES says which)."""
    conv = conversations(peer)
    now = _within(conv, peer.date_from, peer.date_to)
    w = peer.weights
    if name == "overview":
        kpis = _scored(now.select(_sums() + [pl.col("first_response_s").median()]), w)
        return {"kpis": kpis.collect(), "trend": _weekly(now, [], w)}
    if name == "happiness":
        by_brand = _scored(now.group_by("brand").agg(_sums()), w)
        return {"weekly": _weekly(now, ["brand"], w), "by_brand": by_brand.collect()}
    if name == "consistency":
        cells = _scored(now.group_by("brand", "channel").agg(_sums()), w)
        switched = now.group_by("brand", "switched").agg(_sums())
        return {"by_channel": cells.collect(), "switched": _scored(switched, w).collect()}
    if name == "engagement":
        return {"accounts": _accounts(now, peer).collect()}
    if name == "people":
        return {"agents": _agents(now, w).collect()}
    if name == "board":
        board = {}
        for label, (start, end) in peer.board_periods.items():
            cut = _within(conv, start, end)
            board[label] = _scored(cut.group_by("brand").agg(_sums()), w).collect()
        return board
    raise ValueError(f"unknown page {name!r}; pages: {', '.join(PAGES)}")


def _weekly(frame: pl.LazyFrame, keys: list[str], weights: dict[str, float]) -> pl.DataFrame:
    weeks = frame.with_columns(week=pl.col("day").dt.truncate("1w"))
    return _scored(weeks.group_by([*keys, "week"]).agg(_sums()), weights).collect()


def _accounts(now: pl.LazyFrame, peer: PeerInput) -> pl.LazyFrame:
    audience = (
        _display_brands(
            pl.scan_parquet(raw_glob(peer.data_dir, "audience"), hive_partitioning=False),
            peer.brands,
        )
        .filter(pl.col("date").is_between(peer.date_from, peer.date_to))
        .group_by("brand", "channel")
        .agg(
            followers=pl.col("followers").mean(),
            posts=pl.col("posts").sum(),
            engagements=(pl.col("likes") + pl.col("comments") + pl.col("shares")).sum(),
        )
    )
    entries = now.group_by("brand", "channel").agg(conversations=pl.len())
    return audience.join(entries, on=["brand", "channel"], how="left").with_columns(
        pl.col("conversations").fill_null(0),
        engagement_rate_pct=100 * pl.col("engagements") / pl.col("posts") / pl.col("followers"),
    )


def _agents(now: pl.LazyFrame, weights: dict[str, float]) -> pl.LazyFrame:
    wrote = now.explode("agents").drop_nulls("agents").rename({"agents": "agent_id"})
    sums = _scored(wrote.group_by("brand", "agent_id").agg(_sums()), weights)
    firsts = (
        now.drop_nulls("first_agent")
        .group_by("brand", "first_agent")
        .agg(median_first_response_s=pl.col("first_outbound_s").median())
        .rename({"first_agent": "agent_id"})
    )
    return sums.join(firsts, on=["brand", "agent_id"], how="left")
