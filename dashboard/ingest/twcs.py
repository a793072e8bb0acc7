"""Format `twcs`: the Kaggle "Customer Support on Twitter" CSV.

Columns: tweet_id, author_id, inbound, created_at, text, response_tweet_id,
in_response_to_tweet_id. Business rules:

- A conversation is a reply thread; its id is the id of the thread's root tweet
  (threads.py). A reply whose parent is missing from the file continues the parent's
  conversation when an earlier import stored the parent (and keeps its brand);
  otherwise its thread is named after the missing parent's id.
- Direction comes from `inbound` (True/TRUE/true/1 -> inbound, False/... -> outbound).
- The brand of a thread is the author of its first non-inbound tweet. A thread that
  no brand answered belongs to the first brand handle @mentioned in it (among
  handles that answer somewhere in the file), else to --brand, else it is rejected.
- Ids written as floats ("119237.0") are read as integers; `response_tweet_id` can
  list several ids ("119249,119251") and fills a missing `in_response_to_tweet_id`.
- Customer ids (and customer @mentions in text) are pseudonymised; brand handles stay.
- A brand reply signed by its agent (`... ^JK`, `... -KC`, `Thanks - Mike`) carries
  the agent in `agent_id` (signatures.py); customers' tweets and unsigned replies none.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from dashboard.ingest import dates, readers, signatures, threads
from dashboard.ingest.model import ERROR, FILE, SRC, Options, Parsed
from dashboard.ingest.validate import flag, reason

REQUIRED = ["tweet_id", "author_id", "inbound", "created_at", "text", "in_response_to_tweet_id"]
_TRUE = ("true", "t", "1", "yes", "1.0")
_FALSE = ("false", "f", "0", "no", "0.0")


def load(path: Path, opts: Options) -> tuple[pl.DataFrame, list[str]]:
    frame, notes = readers.read_csv(path)
    frame = readers.apply_mapping(path, frame, opts.mapping)
    readers.require_columns(path, frame, REQUIRED, "twcs")
    return frame, notes


def clean_id(expr: pl.Expr) -> pl.Expr:
    """'119237', ' 119237.0 ', '"119237"' -> '119237'; blank -> null."""
    cleaned = (
        expr.cast(pl.String)
        .str.strip_chars()
        .str.strip_chars("\"'")
        .str.replace(r"^(\d+)\.0*$", "$1")
    )
    return pl.when(cleaned != "").then(cleaned)


def parse(raw: pl.DataFrame, opts: Options) -> Parsed:
    if "response_tweet_id" not in raw.columns:
        raw = raw.with_columns(pl.lit(None, pl.String).alias("response_tweet_id"))
    flag_value = pl.col("inbound").str.strip_chars().str.to_lowercase()
    df = raw.select(
        SRC,
        ERROR,
        pl.col(FILE),
        clean_id(pl.col("tweet_id")).alias("interaction_id"),
        # a multi-id in_response_to is unusual: the first id is the parent
        clean_id(pl.col("in_response_to_tweet_id").str.split(",").list.first()).alias("parent"),
        pl.col("author_id").str.strip_chars().alias("author_raw"),
        pl.when(flag_value.is_in(_TRUE))
        .then(pl.lit("inbound"))
        .when(flag_value.is_in(_FALSE))
        .then(pl.lit("outbound"))
        .alias("direction"),
        pl.col("created_at"),
        pl.col("inbound"),
        pl.col("text"),
        pl.col("response_tweet_id"),
    )
    df = flag(df, pl.col("interaction_id").is_null(), reason("tweet_id", "missing value"))
    df = flag(df, pl.col("direction").is_null(), reason("inbound", "not true/false"))
    df, date_notes = dates.read(df, {"created_at": "ts"}, opts)
    df = _fill_parents_from_responses(df)
    notes: list[str] = []

    # threads over the first row of each tweet id (repeats are handled as duplicates)
    links = df.filter(pl.col("interaction_id").is_not_null()).unique(
        "interaction_id", keep="first", maintain_order=True
    )
    root, cycle = threads.roots(links["interaction_id"], links["parent"])
    links = links.select("interaction_id").with_columns(
        root.alias("conversation_id"), cycle.alias("in_cycle")
    )
    df = df.join(links, on="interaction_id", how="left", maintain_order="left")
    df = flag(df, pl.col("in_cycle"), reason("in_response_to_tweet_id", "replies form a loop"))
    orphans = df.filter(
        pl.col("parent").is_not_null() & ~pl.col("parent").is_in(links["interaction_id"].implode())
    ).height
    df, continued = threads.continue_stored(df, "interaction_id", "conversation_id", opts.data_dir)
    if orphans:
        notes.append(
            f"{orphans:,} replies answer tweets missing from the file; their "
            "conversation is named after the missing tweet, or continues it when "
            "an earlier import stored it"
        )
    if continued:
        notes.append(f"{continued:,} tweets continue conversations stored by earlier imports")

    df, brand_notes, handles = _assign_brands(df, opts)
    notes += brand_notes
    df = flag(
        df,
        pl.col("brand").is_null(),
        reason("author_id", "no brand in this thread (no brand reply or @mention; give --brand)"),
    )
    rows = df.select(
        "interaction_id",
        "conversation_id",
        "brand",
        pl.lit(opts.channel or "twitter").alias("channel"),
        "direction",
        # handles are case-insensitive: customers are keyed lowercase
        pl.when(pl.col("direction") == "inbound")
        .then(pl.col("author_raw").str.to_lowercase())
        .otherwise(pl.col("author_raw"))
        .alias("author_id"),
        pl.col("ts").alias("created_at"),
        pl.col("parent").alias("in_reply_to"),
        "text",
        # the agent who signed a brand reply ("... ^JK"); never on a customer's tweet
        signatures.brand_agents(pl.col("text"), pl.col("direction"), pl.col("author_raw")).alias(
            "agent_id"
        ),
        SRC,
        ERROR,
    )
    return Parsed(
        table="interactions", rows=rows, notes=notes, brand_handles=handles, dates=date_notes
    )


def _fill_parents_from_responses(df: pl.DataFrame) -> pl.DataFrame:
    """A tweet listed in another's response_tweet_id is that tweet's reply."""
    listed = (
        df.select(
            pl.col("interaction_id").alias("listed_parent"),
            pl.col("response_tweet_id").str.split(",").alias("child"),
        )
        .explode("child")
        .with_columns(clean_id(pl.col("child")).alias("child"))
        .drop_nulls()
        .unique("child", keep="first", maintain_order=True)
    )
    df = df.join(
        listed, left_on="interaction_id", right_on="child", how="left", maintain_order="left"
    )
    return df.with_columns(pl.coalesce("parent", "listed_parent").alias("parent")).drop(
        "listed_parent"
    )


def _assign_brands(df: pl.DataFrame, opts: Options) -> tuple[pl.DataFrame, list[str], set[str]]:
    valid = pl.col(ERROR).is_null()
    outbound = df.filter(valid & (pl.col("direction") == "outbound"))
    handles = set(outbound["author_raw"].drop_nulls().unique().to_list())
    if opts.brand:
        handles.add(opts.brand)
    by_reply = (
        outbound.sort("ts")
        .group_by("conversation_id", maintain_order=True)
        .agg(
            pl.col("author_raw").first().alias("brand"),
            pl.col("author_raw").n_unique().alias("brands_in_thread"),
        )
    )
    several = by_reply.filter(pl.col("brands_in_thread") > 1).height
    canonical = pl.DataFrame(
        {"handle": [h.lower() for h in handles], "mention_brand": list(handles)},
        schema=pl.Schema({"handle": pl.String, "mention_brand": pl.String}),
    )
    by_mention = (
        df.filter(valid & (pl.col("direction") == "inbound"))
        .sort("ts")
        .select("conversation_id", pl.col("text").str.extract_all(r"@\w+").alias("handle"))
        .explode("handle")
        .with_columns(pl.col("handle").str.strip_prefix("@").str.to_lowercase())
        .join(canonical, on="handle", maintain_order="left")
        .group_by("conversation_id", maintain_order=True)
        .agg(pl.col("mention_brand").first())
    )
    df = df.join(
        by_reply.drop("brands_in_thread"), on="conversation_id", how="left", maintain_order="left"
    ).join(by_mention, on="conversation_id", how="left", maintain_order="left")
    mentioned = df.filter(
        pl.col("known_brand").is_null()
        & pl.col("brand").is_null()
        & pl.col("mention_brand").is_not_null()
    )
    # a thread continued from an earlier import keeps that conversation's brand
    df = df.with_columns(
        pl.coalesce("known_brand", "brand", "mention_brand", pl.lit(opts.brand, pl.String)).alias(
            "brand"
        )
    )
    notes = []
    if mentioned.height:
        notes.append(
            f"{mentioned['conversation_id'].n_unique():,} threads without a brand "
            "reply were assigned to the brand they @mention"
        )
    if several:
        notes.append(
            f"{several:,} threads have replies from several brands; each is "
            "assigned to the first brand that replied"
        )
    return df, notes, handles
