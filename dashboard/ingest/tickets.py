"""Format `tickets`: the Kaggle customer-support-tickets CSV (and exports shaped like it).

Each ticket is a conversation `<brand>:ticket-<Ticket ID>` of up to three events:

1. opening (inbound, the customer's Ticket Subject + Description) at the ticket's
   creation time: a `Ticket Created` / `Created At` / `Opened At` column when the file
   has one. The Kaggle file has none: then the opening is stored at the ticket's
   earliest known time (its First Response Time) with time_known = false, so the ticket
   lands on its real day and no response time is measured from an invented creation
   time (speed is unavailable for these tickets, and the summary says so).
2. first reply (outbound, by the brand) at `First Response Time`; on tickets that are
   not closed it carries resolved = false (the status says the case is still open).
3. closing (outbound, resolved = true, the `Resolution` text and the
   `Customer Satisfaction Rating` as csat) at `Time to Resolution`, for Closed tickets.

Channels: Email -> email, Chat -> chat, Phone -> phone, Social media -> --channel
(default `other`: the file does not say which network). Rejected with a reason:
resolution before the first response, a Closed ticket without a resolution time,
unknown status or channel, a rating outside 1..5, unreadable or implausible timestamps
(one reading of the dates for the whole file: dashboard/ingest/dates.py).
The brand is a `Brand`/`Company` column, else --brand (required). Customers are keyed
by their e-mail (lowercased), else name, and pseudonymised; names are never stored.
The agent (`agent_id` of the reply and the closing, never of the opening) is an
`Assignee` / `Assigned To` / `Assigned Agent` / `Agent` / `Agent Name` column, or the
column `--map agent_id=COLUMN` names; the Kaggle file has none, so it stays null.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from dashboard.ingest import dates, readers, validate
from dashboard.ingest.model import ERROR, SRC, IngestError, Options, Parsed
from dashboard.ingest.validate import flag, reason

ID, STATUS, CHANNEL = "Ticket ID", "Ticket Status", "Ticket Channel"
FIRST, RESOLVED, CSAT = "First Response Time", "Time to Resolution", "Customer Satisfaction Rating"
REQUIRED = [ID, STATUS, CHANNEL, FIRST, RESOLVED]
# fields a metric is built on: a rejection pattern on them biases the figures
SKEW_FIELDS = (
    (STATUS, "resolution"),
    (CHANNEL, "the channel mix"),
    (CSAT, "satisfaction"),
)
OPENED = ("Ticket Created", "Created At", "Opened At", "Date Created", "Ticket Date")
# who works the ticket (help-desk exports: Zendesk "Assignee", Freshdesk "Agent", ...);
# `--map agent_id=COLUMN` names any other. The Kaggle file has none.
AGENT_COLUMNS = ("agent_id", "Assignee", "Assigned To", "Assigned Agent", "Agent", "Agent Name")
BRAND_COLUMNS = ("Brand", "Company")
CHANNELS = {
    "email": "email",
    "e-mail": "email",
    "mail": "email",
    "chat": "chat",
    "live chat": "chat",
    "web chat": "chat",
    "phone": "phone",
    "call": "phone",
    "telephone": "phone",
    "voice": "phone",
    "twitter": "twitter",
    "facebook": "facebook",
    "instagram": "instagram",
    "linkedin": "linkedin",
    "youtube": "youtube",
    "community": "community",
    "forum": "community",
    "review": "review",
    "other": "other",
}
SOCIAL = ("social media", "social")
CLOSED = ("closed", "resolved", "solved")
NOT_CLOSED = (
    "open",
    "new",
    "pending",
    "pending customer response",
    "in progress",
    "on hold",
    "waiting",
)


def load(path: Path, opts: Options) -> tuple[pl.DataFrame, list[str]]:
    frame, notes = readers.read_csv(path)
    frame = readers.apply_mapping(path, frame, opts.mapping)
    readers.require_columns(path, frame, REQUIRED, "tickets")
    if not opts.brand and not any(c in frame.columns for c in BRAND_COLUMNS):
        raise IngestError(
            f"{path.name}: the file has no brand column ({', '.join(BRAND_COLUMNS)})"
            "; give the brand with --brand"
        )
    return frame, notes


def parse(raw: pl.DataFrame, opts: Options) -> Parsed:
    df = raw
    for col in (
        CSAT,
        "Customer Email",
        "Customer Name",
        "Ticket Subject",
        "Ticket Description",
        "Resolution",
        "Product Purchased",
        *BRAND_COLUMNS,
    ):
        if col not in df.columns:
            df = df.with_columns(pl.lit(None, pl.String).alias(col))
    opened_col = next((c for c in OPENED if c in df.columns), None)
    agent_col = next((c for c in AGENT_COLUMNS if c in df.columns), None)
    notes: list[str] = []
    if agent_col:
        notes.append(
            f"agent_id of the replies and closings from the column '{agent_col}' "
            "(the ticket's assignee as exported)"
        )
    df = df.with_columns(
        (pl.col(agent_col).cast(pl.String) if agent_col else pl.lit(None, pl.String)).alias(
            "__agent"
        )
    )
    brand = pl.coalesce(
        *[pl.col(c).str.strip_chars() for c in BRAND_COLUMNS], pl.lit(opts.brand, pl.String)
    )
    status = pl.col(STATUS).str.strip_chars().str.to_lowercase()
    channel_raw = pl.col(CHANNEL).str.strip_chars().str.to_lowercase()
    df = df.with_columns(
        pl.col(ID).str.strip_chars().str.replace(r"^(\d+)\.0*$", "$1").alias("tid"),
        brand.alias("brand"),
        status.is_in(CLOSED).alias("closed"),
        pl.when(channel_raw.is_in(SOCIAL))
        .then(pl.lit(opts.channel or "other"))
        .otherwise(channel_raw.replace_strict(CHANNELS, default=None))
        .alias("channel"),
    )
    df = flag(df, pl.col("tid").is_null(), reason(ID, "missing value"))
    df = flag(df, pl.col("brand").is_null(), reason("Brand", "missing value (give --brand)"))
    df = flag(
        df, ~status.is_in(CLOSED + NOT_CLOSED).fill_null(False), reason(STATUS, "unknown value")
    )
    df = flag(df, pl.col("channel").is_null(), reason(CHANNEL, "unknown value"))
    df = flag(df, pl.col(FIRST).is_null(), reason(FIRST, "missing value"))
    # one reading of the dates over all the file's timestamp columns
    stamps = {FIRST: "t_first", RESOLVED: "t_resolved"}
    if opened_col:
        stamps[opened_col] = "t_open"
    df, date_notes = dates.read(df, stamps, opts)
    df = flag(
        df,
        pl.col("closed") & pl.col("t_resolved").is_null(),
        reason(RESOLVED, "missing on a Closed ticket"),
    )
    # the upstream data is generated and sometimes resolves before it first answers
    df = flag(
        df,
        pl.col("t_resolved") < pl.col("t_first"),
        reason(RESOLVED, "resolution precedes the first response"),
    )
    lo, hi = validate.RANGES["csat"]
    df = validate.number(df, CSAT, pl.Int8, lo=lo, hi=hi)
    unknown = None
    if opened_col:
        df = flag(df, pl.col("t_open").is_null(), reason(opened_col, "missing value"))
        df = flag(
            df, pl.col("t_open") > pl.col("t_first"), reason(opened_col, "after the first response")
        )
        df = df.with_columns(pl.lit(None, pl.Boolean).alias("open_time_known"))
    else:
        # no creation time: the opening takes the ticket's earliest known time, marked
        # unknown, instead of an invented one (00:00 of that day would turn the time of
        # day into a "response time")
        df = df.with_columns(
            pl.col("t_first").alias("t_open"), pl.lit(False).alias("open_time_known")
        )
        unknown = (
            "the file has no creation time (first response cannot be measured); each "
            "opening is stored at its first response with time_known = false"
        )
    return Parsed(
        table="interactions",
        rows=_events(df),
        notes=notes,
        dates=date_notes,
        time_unknown=unknown,
        conversation_noun="tickets",
    )


def _events(df: pl.DataFrame) -> pl.DataFrame:
    conversation = pl.concat_str(pl.col("brand"), pl.lit(":ticket-"), pl.col("tid"))
    customer = pl.coalesce(
        pl.col("Customer Email").str.strip_chars().str.to_lowercase(),
        pl.col("Customer Name").str.strip_chars(),
        pl.concat_str(pl.lit("ticket-"), pl.col("tid")),
    )
    description = pl.col("Ticket Description").str.replace_all(
        "{product_purchased}",
        pl.coalesce(pl.col("Product Purchased"), pl.lit("the product")),
        literal=True,
    )
    opening_text = (
        pl.when(pl.col("Ticket Subject").is_not_null())
        .then(
            pl.concat_str(
                pl.col("Ticket Subject"), pl.lit(": "), pl.coalesce(description, pl.lit(""))
            )
        )
        .otherwise(description)
    )
    common = [conversation.alias("conversation_id"), "brand", "channel", SRC, ERROR]

    def event_id(kind: str) -> pl.Expr:
        return pl.concat_str(conversation, pl.lit(f":{kind}")).alias("interaction_id")

    opening = df.select(
        event_id("open"),
        *common,
        pl.lit("inbound").alias("direction"),
        customer.alias("author_id"),
        pl.col("t_open").alias("created_at"),
        pl.lit(None, pl.String).alias("in_reply_to"),
        opening_text.alias("text"),
        pl.lit(None, pl.Int8).alias("csat"),
        pl.lit(None, pl.Boolean).alias("resolved"),
        pl.col("open_time_known").alias("time_known"),
    )
    reply = df.select(
        event_id("reply"),
        *common,
        pl.lit("outbound").alias("direction"),
        pl.col("brand").alias("author_id"),
        pl.col("t_first").alias("created_at"),
        pl.concat_str(conversation, pl.lit(":open")).alias("in_reply_to"),
        pl.lit(None, pl.String).alias("text"),
        pl.when(~pl.col("closed")).then(pl.col(CSAT)).alias("csat"),
        pl.when(~pl.col("closed")).then(pl.lit(False)).alias("resolved"),
        pl.col("__agent").alias("agent_id"),
    )
    closing = df.filter(pl.col("closed") | pl.col(ERROR).is_not_null()).select(
        event_id("close"),
        *common,
        pl.lit("outbound").alias("direction"),
        pl.col("brand").alias("author_id"),
        pl.col("t_resolved").alias("created_at"),
        pl.concat_str(conversation, pl.lit(":reply")).alias("in_reply_to"),
        pl.col("Resolution").alias("text"),
        pl.col(CSAT).alias("csat"),
        pl.lit(True).alias("resolved"),
        pl.col("__agent").alias("agent_id"),
    )
    closing = closing.filter(pl.col(ERROR).is_not_null() | pl.col("created_at").is_not_null())
    return pl.concat([opening, reply, closing], how="diagonal_relaxed")
