"""Reply threads: the root of each message by pointer jumping over reply ids.

A conversation is the thread under one root message. Following `parent` links
upward from a message, its root is the last message reached; when a parent is
referenced but missing from the input, the root is that missing parent's id (the
thread started with a message we were not given). Each round replaces every link
by its link's link, so depth d needs about log2(d) joins: fine for millions of rows.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from dashboard.ingest import existing

MAX_ROUNDS = 64


def roots(ids: pl.Series, parents: pl.Series) -> tuple[pl.Series, pl.Series]:
    """(root id, in_cycle) for each message, in input order.

    `ids` must be unique; `parents` holds each message's parent id or null. Messages
    whose chain of parents loops back on itself get in_cycle = true.
    """
    links = pl.DataFrame({"id": ids, "up": parents}).with_columns(
        pl.coalesce("up", "id").alias("up")
    )
    missing = (
        links.select(pl.col("up").alias("id"))
        .unique()
        .join(links.select("id"), on="id", how="anti")
        .with_columns(pl.col("id").alias("up"))
    )
    start = pl.concat([links, missing])
    table = start
    for _ in range(MAX_ROUNDS):
        jumped = table.join(table.rename({"id": "up", "up": "up2"}), on="up", how="left")
        if jumped.filter(pl.col("up2") != pl.col("up")).height == 0:
            break
        table = jumped.select("id", pl.col("up2").alias("up"))
    # a true root has no parent of its own (or is a missing parent); a chain that
    # loops back on itself ends on a message that still has a parent
    final = table.join(start.rename({"id": "up", "up": "root_parent"}), on="up", how="left")
    out = pl.DataFrame({"id": ids}).join(final, on="id", how="left", maintain_order="left")
    return out["up"].rename("root"), (out["up"] != out["root_parent"]).rename("in_cycle")


def continue_stored(
    df: pl.DataFrame, id_col: str, conv_col: str, data_dir: Path | None
) -> tuple[pl.DataFrame, int]:
    """Threads whose root is missing from the input but stored by an earlier import
    continue that stored conversation: `conv_col` becomes the stored conversation id
    and a `known_brand` column holds its brand. Returns the frame and how many
    records continue a stored conversation."""
    roots_here = df.select(pl.col(conv_col).alias("interaction_id")).drop_nulls().unique()
    outside = roots_here.join(
        df.select(pl.col(id_col).alias("interaction_id")), on="interaction_id", how="anti"
    )
    found = existing.lookup(data_dir, "interactions", outside, ("conversation_id", "brand"))
    found = found.unique("interaction_id").rename(
        {"interaction_id": conv_col, "conversation_id": "__stored", "brand": "known_brand"}
    )
    df = df.join(found, on=conv_col, how="left", maintain_order="left")
    continued = int(df["__stored"].is_not_null().sum())
    df = df.with_columns(pl.coalesce("__stored", conv_col).alias(conv_col)).drop("__stored")
    return df, continued
