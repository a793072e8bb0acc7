"""Format `twitter-json`: Twitter API responses saved as JSON.

Accepted shapes: a v1.1 array of tweet objects (timelines, mentions), a v1.1 search
response (`statuses`), one tweet per line (JSON lines), and v2 responses (`data` +
`includes.users`, also one page per line). Business rules:

- `--brand HANDLE` is required: tweets by that handle are outbound, all others inbound.
- Only tweets that concern the brand are kept: its own, those that @mention it or
  reply to it, and those in a thread where it wrote. Others are rejected
  ("not addressed to the brand"), as are retweets (not a message to anyone).
- The conversation is v2's `conversation_id`, else the root of the reply thread
  (threads.py), as for twcs, continuing conversations stored by earlier imports.
- The author's follower count comes from the user object (v1 `user.followers_count`,
  v2 `includes.users[].public_metrics.followers_count`), as of the download.
- Customers are keyed by their lowercased handle (so their @mentions in text get the
  same pseudonym); the brand's handle stays readable.
- The brand's tweets signed by an agent (`... ^JK`) carry it in `agent_id`
  (signatures.py, as for twcs); other tweets none.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl

from dashboard.ingest import dates, readers, signatures, threads
from dashboard.ingest.model import ERROR, ROW, SRC, IngestError, Options, Parsed
from dashboard.ingest.validate import flag, reason

FIELDS = (
    "id",
    "created_at",
    "author",
    "followers",
    "text",
    "in_reply_to",
    "in_reply_to_handle",
    "conversation",
    "retweet",
    "json",
)


def load(path: Path, opts: Options) -> tuple[pl.DataFrame, list[str]]:
    text, encoding = readers.read_text(path)
    notes = [] if encoding.startswith("utf") else [f"{path.name} read as {encoding}"]
    records: list[dict[str, Any]] = []
    stripped = text.lstrip("\ufeff").strip()
    if not stripped:
        raise IngestError(f"{path.name}: empty file")
    try:
        document = json.loads(stripped)
    except json.JSONDecodeError as exc:
        if "\n" not in stripped or not stripped.startswith("{"):
            raise IngestError(
                f"{path.name} line {exc.lineno} column {exc.colno}: not valid JSON: {exc.msg}"
            ) from exc
        _json_lines(stripped, records)
    else:
        _collect(path, document, records, None)
    if not records:
        raise IngestError(
            f"{path.name}: no tweets found (expected a v1.1 array of tweets, "
            "JSON lines, or a v2 response with 'data')"
        )
    frame = pl.DataFrame(records, schema={**dict.fromkeys(FIELDS, pl.String), ERROR: pl.String})
    frame = frame.with_columns(pl.int_range(1, frame.height + 1, dtype=pl.Int64).alias(ROW))
    return frame, notes


def _json_lines(text: str, records: list[dict[str, Any]]) -> None:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            document = json.loads(line)
        except json.JSONDecodeError as exc:
            records.append(
                {"json": line[:10_000], ERROR: reason("json", f"not valid JSON ({exc.msg})")}
            )
            continue
        _collect(None, document, records, number)


def _collect(path: Path | None, doc: Any, records: list[dict[str, Any]], line: int | None) -> None:
    if isinstance(doc, list):
        for item in doc:
            _collect(path, item, records, line)
    elif isinstance(doc, dict) and "data" in doc:
        users = {
            str(u.get("id")): u
            for u in (doc.get("includes") or {}).get("users", [])
            if isinstance(u, dict)
        }
        data = doc["data"] if isinstance(doc["data"], list) else [doc["data"]]
        for tweet in data:
            records.append(_v2(tweet, users))
    elif isinstance(doc, dict) and "statuses" in doc:
        _collect(path, doc["statuses"], records, line)
    elif isinstance(doc, dict) and ("id_str" in doc or "id" in doc):
        records.append(_v1(doc))
    elif isinstance(doc, dict):
        records.append(
            {"json": json.dumps(doc)[:10_000], ERROR: reason("id", "not a tweet (no id)")}
        )
    elif path is not None:
        raise IngestError(
            f"{path.name}: not a Twitter API response (top level is {type(doc).__name__})"
        )


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


def _v1(tweet: dict[str, Any]) -> dict[str, Any]:
    user = tweet.get("user") if isinstance(tweet.get("user"), dict) else {}
    extended = tweet.get("extended_tweet") if isinstance(tweet.get("extended_tweet"), dict) else {}
    return {
        "id": _str(tweet.get("id_str") or tweet.get("id")),
        "created_at": _str(tweet.get("created_at")),
        "author": _str(user.get("screen_name")),
        "followers": _str(user.get("followers_count")),
        "text": _str(extended.get("full_text") or tweet.get("full_text") or tweet.get("text")),
        "in_reply_to": _str(
            tweet.get("in_reply_to_status_id_str") or tweet.get("in_reply_to_status_id")
        ),
        "in_reply_to_handle": _str(tweet.get("in_reply_to_screen_name")),
        "conversation": None,
        "retweet": "true" if tweet.get("retweeted_status") else None,
        "json": json.dumps(tweet, ensure_ascii=False),
    }


def _v2(tweet: dict[str, Any], users: dict[str, dict[str, Any]]) -> dict[str, Any]:
    user = users.get(str(tweet.get("author_id")), {})
    refs = {
        r.get("type"): _str(r.get("id"))
        for r in tweet.get("referenced_tweets") or []
        if isinstance(r, dict)
    }
    metrics = user.get("public_metrics") or {}
    return {
        "id": _str(tweet.get("id")),
        "created_at": _str(tweet.get("created_at")),
        "author": _str(user.get("username") or tweet.get("author_id")),
        "followers": _str(metrics.get("followers_count")),
        "text": _str(tweet.get("text")),
        "in_reply_to": refs.get("replied_to"),
        "in_reply_to_handle": None,
        "conversation": _str(tweet.get("conversation_id")),
        "retweet": "true" if "retweeted" in refs else None,
        "json": json.dumps(tweet, ensure_ascii=False),
    }


def parse(raw: pl.DataFrame, opts: Options) -> Parsed:
    if not opts.brand:
        raise IngestError(
            "twitter-json needs --brand HANDLE: the brand's own tweets are the outbound ones"
        )
    brand = opts.brand.lstrip("@")
    is_brand = pl.col("author").str.to_lowercase() == brand.lower()
    # the brand is named as it spells its handle in the data (--brand acmehelp -> AcmeHelp)
    spelled = raw.filter(is_brand)["author"].drop_nulls()
    brand = spelled[0] if len(spelled) else brand
    df = raw.with_columns(
        pl.when(is_brand).then(pl.lit("outbound")).otherwise(pl.lit("inbound")).alias("direction"),
    )
    df = flag(df, pl.col("id").is_null(), reason("id", "missing value"))
    df = flag(
        df, pl.col("retweet").is_not_null(), reason("retweeted_status", "a retweet, not a message")
    )
    df, date_notes = dates.read(df, {"created_at": "ts"}, opts)

    links = df.filter(pl.col("id").is_not_null()).unique("id", keep="first", maintain_order=True)
    root, cycle = threads.roots(links["id"], links["in_reply_to"])
    links = links.select("id").with_columns(root.alias("root"), cycle.alias("in_cycle"))
    df = df.join(links, on="id", how="left", maintain_order="left").with_columns(
        pl.coalesce("conversation", "root").alias("conversation")
    )
    df, continued = threads.continue_stored(df, "id", "conversation", opts.data_dir)
    df = flag(
        df,
        pl.col("in_cycle") & pl.col("conversation").is_null(),
        reason("in_reply_to_status_id", "replies form a loop"),
    )

    # keep what concerns the brand: its tweets, mentions of it, replies to it, its threads
    mention = pl.col("text").str.contains(rf"(?i)@{_escape(brand)}\b").fill_null(False)
    replies_to = (pl.col("in_reply_to_handle").str.to_lowercase() == brand.lower()).fill_null(False)
    in_thread = (pl.col("direction") == "outbound").any().over("conversation")
    df = flag(
        df,
        ~(is_brand.fill_null(False) | mention | replies_to | in_thread),
        reason("text", f"not addressed to @{brand} (no mention, reply or thread)"),
    )

    rows = df.select(
        pl.col("id").alias("interaction_id"),
        pl.col("conversation").alias("conversation_id"),
        pl.lit(brand).alias("brand"),
        pl.lit(opts.channel or "twitter").alias("channel"),
        "direction",
        pl.when(pl.col("direction") == "inbound")
        .then(pl.col("author").str.to_lowercase())
        .otherwise(pl.lit(brand))
        .alias("author_id"),
        pl.col("followers").alias("author_followers"),
        pl.col("ts").alias("created_at"),
        "in_reply_to",
        "text",
        # the agent who signed the brand's tweet ("... ^JK"), as for twcs
        signatures.brand_agents(pl.col("text"), pl.col("direction"), pl.lit(brand)).alias(
            "agent_id"
        ),
        SRC,
        ERROR,
    )
    # the same tweet saved twice (timeline and mentions) differs only in follower counts
    content = (
        "conversation_id",
        "brand",
        "direction",
        "author_id",
        "created_at",
        "text",
        "agent_id",
    )
    notes = (
        [f"{continued:,} tweets continue conversations stored by earlier imports"]
        if continued
        else []
    )
    return Parsed(
        table="interactions",
        rows=rows,
        brand_handles={brand},
        content_columns=content,
        notes=notes,
        dates=date_notes,
    )


def _escape(handle: str) -> str:
    return "".join(ch if ch.isalnum() or ch == "_" else "\\" + ch for ch in handle)
