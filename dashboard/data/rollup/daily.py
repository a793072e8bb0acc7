"""The daily rollup: additive sums per local day x brand x channel x follower bucket.

    <data dir>/rollups/daily/month=YYYY-MM/part-<content hash>.parquet
    <data dir>/rollups/agent_daily/month=YYYY-MM/part-<content hash>.parquet
    <data dir>/rollups/_manifest.json ("daily")

Each month file is queries/model/daily_sums.sql over the conversations of one month
file of the conversation facts rollup (facts.py), with the current config's targets
and the data's as-of time applied (queries/model/conversations.sql), its days cut in
the config's display time zone. Pages read these few hundred thousand rows instead of
millions of conversations (medians and percentiles too, from the stored sketches);
only channel paths, superfans and drill-downs read the conversation facts.

A daily month depends on three things, recorded per month in the manifest, and is
stale when one of them changed (`state`, which only reads):

- its conversation facts month file (fingerprint: name, size, mtime);
- the rules: the queries, the first-response targets, the time zone and the
  response-time sketches' relative accuracy ([percentiles], also recorded as the
  part's `relative_accuracy`);
- the as-of time. `dropped` (hence the resolved proxy) is judged at the newest
  timestamp in the data, and a conversation's verdict can only change while it has
  waited less than its target. A month is *settled* when its newest message is older
  than as_of minus the longest target: a later as_of cannot change it, so only the
  last month or two are rebuilt when new data moves as_of.

Each month is written for every query of DAILY_TABLES from the same conversations: the
daily sums, the agents' daily sums (queries/model/agent_daily_sums.sql, in <data
dir>/rollups/agent_daily/), the response-time sketches per local month and per local day
(queries/model/response_time_buckets.sql, response_time_day_buckets.sql and the agents'
agent_response_time_buckets.sql, agent_response_time_day_buckets.sql, each in the folder
of its name under <data dir>/rollups/: docs/METRICS.md, "Percentiles") and the topics'
term counts of those conversations' customer messages
(queries/model/term_daily_counts.sql, in <data dir>/rollups/term_daily/); a month is
current only when all its files are. Files are named by their content and published with
the conversation facts in one manifest (facts.py, "Publishing"): under its "daily" key,
each month's files (`file`: the daily sums', `files`: table -> name) and what they were
built from. (Before, the daily rollup had its own `_daily.json`; it is still read, and
dropped at the next refresh.)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from dashboard.core.config import Config
from dashboard.core.vocabulary import DEFAULT_TARGET_S
from dashboard.data import raw, sql
from dashboard.data.rollup import facts

DAILY = facts.DAILY_FOLDER
MANIFEST = facts.LEGACY_DAILY_MANIFEST  # read when the manifest has no "daily" part
DAILY_ORDER = "day, brand, channel, follower_bucket, switched_channel"
# each model query of sql.DAILY_TABLES -> (its rollup folder, a total order of its keys:
# the same data gives byte-identical files); loaded at connect as a table of its name
_LAYOUT: dict[str, tuple[str, str]] = {
    "daily_sums": (DAILY, DAILY_ORDER),
    "agent_daily_sums": (
        facts.DAILY_TABLE_FOLDERS["agent_daily_sums"],
        "day, brand, channel, agent_id nulls first",
    ),
    sql.TERM_TABLE: (
        facts.DAILY_TABLE_FOLDERS[sql.TERM_TABLE],
        "day, brand, channel, term nulls first",
    ),
    # the response-time sketches (docs/METRICS.md, "Percentiles"); null: the zero bucket
    # per local month and per local day (sorted by day: a selection's edge days are
    # read from few row groups)
    "response_time_buckets": (
        facts.DAILY_TABLE_FOLDERS["response_time_buckets"],
        "month_start, brand, channel, follower_bucket, bucket_index nulls first",
    ),
    "response_time_day_buckets": (
        facts.DAILY_TABLE_FOLDERS["response_time_day_buckets"],
        "day, brand, channel, follower_bucket, bucket_index nulls first",
    ),
    "agent_response_time_buckets": (
        facts.DAILY_TABLE_FOLDERS["agent_response_time_buckets"],
        "month_start, brand, channel, agent_id, bucket_index nulls first",
    ),
    "agent_response_time_day_buckets": (
        facts.DAILY_TABLE_FOLDERS["agent_response_time_day_buckets"],
        "day, brand, channel, agent_id, bucket_index nulls first",
    ),
    "superfan_daily_sums": (
        facts.DAILY_TABLE_FOLDERS["superfan_daily_sums"],
        "day, brand, channel, peer nulls first",
    ),
    "fairness_cells": (
        facts.DAILY_TABLE_FOLDERS["fairness_cells"],
        "month_start, brand, channel, followers_log10",
    ),
    "fairness_day_cells": (
        facts.DAILY_TABLE_FOLDERS["fairness_day_cells"],
        "day, brand, channel, followers_log10",
    ),
    "channel_path_daily_counts": (
        facts.DAILY_TABLE_FOLDERS["channel_path_daily_counts"],
        "day, brand, channel, channel_path",
    ),
}
# the most conversations whose customer messages one term-count query tokenises: a
# facts month with more runs in several queries of whole local days (_write_term_month;
# a month at 10M interactions holds about 265,000, at 100M 2.6M)
TERM_CHUNK_CONVERSATIONS = 400_000
DAILY_TABLES: dict[str, tuple[str, str]] = {
    t: _LAYOUT[t] for t in (*sql.DAILY_TABLES, sql.TERM_TABLE)
}


@dataclass(frozen=True)
class BuiltMonth:
    source: str  # fingerprint of the conversation month file it was built from
    as_of: str  # ISO as-of time it was judged at
    settled: bool  # no verdict in it can change when as_of moves later
    file: str = facts.LEGACY_FILE  # the daily sums' month file's name
    files: dict[str, str] = field(default_factory=dict)  # query of DAILY_TABLES -> file

    def name(self, table: str) -> str:
        """The month file's name for one query of DAILY_TABLES."""
        if table in self.files:
            return self.files[table]
        return self.file if table == "daily_sums" else facts.LEGACY_FILE


@dataclass(frozen=True)
class DailyState:
    """Which daily months are current for a set of facts months, config and as-of."""

    rules_changed: bool  # built with other rules (queries, targets, time zone) or never
    current: dict[str, BuiltMonth]  # facts month -> its stored, current daily month
    stale: tuple[str, ...]  # facts months whose daily month must be (re)built


@dataclass(frozen=True)
class DailyUpdate:
    """What `refresh` wrote."""

    months: list[str]
    rows: int
    part: dict | None = None  # the manifest's "daily" part to publish (None: unchanged)


def month_file(data_dir: Path, month: str, table: str = "daily_sums") -> Path:
    """The published file of a daily month for one query of DAILY_TABLES."""
    built = _read_manifest(data_dir)[1].get(month)
    name = built.name(table) if built is not None else facts.LEGACY_FILE
    return _folder(data_dir, month, table) / name


def _folder(data_dir: Path, month: str, table: str = "daily_sums") -> Path:
    return facts.rollup_dir(data_dir) / DAILY_TABLES[table][0] / f"month={month}"


def daily_glob(data_dir: Path) -> str:
    return str(facts.rollup_dir(data_dir).resolve() / DAILY / "month=*" / "*.parquet")


def rules(config: Config) -> str:
    """Everything besides the source rows and as_of that the stored sums depend on."""
    text = json.dumps(
        {
            "queries": [sql.query_text(q) for q in ("conversations", *DAILY_TABLES)],
            "macros": sql.macros_text(),
            "facts": facts.version(),
            "targets": sorted((k, float(v)) for k, v in config.targets_s.items()),
            "tz": config.display_time_zone,
            "resolution": config.resolution_rule,
            # the response-time sketches' buckets ([percentiles]): a change rebuilds
            "relative_accuracy": config.percentile_relative_accuracy,
        },
        sort_keys=True,
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def longest_target_s(config: Config) -> float:
    return max([DEFAULT_TARGET_S, *(float(v) for v in config.targets_s.values())])


def _read_manifest(data_dir: Path) -> tuple[str, dict[str, BuiltMonth]]:
    body = facts.read_body(data_dir).get("daily")
    try:
        if body is None:  # the older layout: the daily rollup's own manifest
            path = facts.rollup_dir(data_dir) / MANIFEST
            body = json.loads(path.read_text(encoding="utf-8"))
        return body["rules"], {m: built_month(v) for m, v in body["months"].items()}
    except (OSError, ValueError, KeyError, TypeError):
        return "", {}


def built_month(stored: dict) -> BuiltMonth:
    """A manifest's month entry; one written before `files` named the agents' file as
    `agent_file`."""
    stored = dict(stored)
    older = {
        "agent_daily_sums": stored.pop("agent_file", ""),
        sql.TERM_TABLE: stored.pop("term_file", ""),
    }
    older = {table: name for table, name in older.items() if name}
    if older:
        stored["files"] = {**older, **stored.get("files", {})}
    return BuiltMonth(**stored)


def stored_months(data_dir: Path) -> set[str]:
    """The months the published daily part names."""
    return set(_read_manifest(data_dir)[1])


def _part(rule: str, months: dict[str, BuiltMonth], relative_accuracy: float) -> dict:
    """The manifest's "daily" part. `relative_accuracy` ([percentiles]) is recorded for
    people reading it; what decides a rebuild is `rules`, whose hash includes it."""
    return {
        "rules": rule,
        "relative_accuracy": relative_accuracy,
        "months": {m: vars(b) for m, b in sorted(months.items())},
    }


def is_current(built: BuiltMonth | None, source: str, as_of: dt.datetime) -> bool:
    if built is None or built.source != source:
        return False
    built_as_of = dt.datetime.fromisoformat(built.as_of)
    return built_as_of == as_of or (built.settled and as_of > built_as_of)


def state(
    data_dir: Path,
    config: Config,
    months: list[str],
    as_of: dt.datetime | None,
    facts_manifest: facts.Manifest | None = None,
) -> DailyState:
    """The stored daily months that are current for the stored facts `months` at
    `as_of` under `config`, and the ones that are not. `facts_manifest` names the facts
    files (default: the published manifest; a refresh passes the one it is writing)."""
    data_dir = Path(data_dir)
    rule = rules(config)
    old_rule, built = _read_manifest(data_dir)
    rules_changed = old_rule != rule
    if rules_changed:
        built = {}
    facts_manifest = facts_manifest or facts.read_manifest(data_dir)
    current, stale = {}, []
    for month in months:
        source = facts.fingerprint([facts.month_file(data_dir, month, facts_manifest)])
        mine = built.get(month)
        if (
            as_of is not None
            and mine is not None
            and is_current(mine, source, as_of)
            and all((_folder(data_dir, month, t) / mine.name(t)).is_file() for t in DAILY_TABLES)
        ):
            current[month] = built[month]
        else:
            stale.append(month)
    return DailyState(rules_changed, current, tuple(stale))


def refresh(
    data_dir: Path,
    config: Config,
    manifest: facts.Manifest,
    full: bool = False,
    publish: bool = True,
) -> DailyUpdate:
    """Bring the stored daily rollup in line with the facts `manifest` and `config`
    (every month with `full`); the caller holds the writer lock. With `publish` the
    manifest (with `manifest` as its facts part) is published; without it the new
    "daily" part is returned (None when nothing changed) for rollup.refresh to
    publish. Raises OSError when it cannot write."""
    data_dir = Path(data_dir)
    as_of = manifest.as_of
    daily = state(data_dir, config, manifest.months, as_of, manifest)
    stale = list(manifest.months) if full else list(daily.stale)
    kept = {m: b for m, b in daily.current.items() if m not in stale}
    rows = 0
    if stale:
        con = raw.raw_connection(data_dir, config)
        facts.cap_memory(con, data_dir)
        con.execute("set preserve_insertion_order = false")
        raw.set_as_of(con, as_of)
        # the raw log stays readable as raw_interactions; `interactions` becomes, per
        # month, the raw rows of that month's conversations' time span (_write_month)
        kind = "view" if _is_view(con, "interactions") else "table"  # table: no raw files
        con.execute(f"alter {kind} interactions rename to raw_interactions")
        for month in stale:
            facts_file = facts.month_file(data_dir, month, manifest)
            source = facts.fingerprint([facts_file])
            kept[month], written = _write_month(
                con, data_dir, config, month, facts_file, source, as_of
            )
            rows += written
        con.close()
    # months the facts rollup no longer has drop out of the manifest (their files are
    # swept once it is published)
    _, built = _read_manifest(data_dir)
    part = None
    if stale or daily.rules_changed or set(built) != set(kept):
        part = _part(rules(config), kept, config.percentile_relative_accuracy)
    if publish and part is not None:
        facts.publish_manifest(data_dir, manifest, part)
    return DailyUpdate(stale, rows, part)


def _is_view(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    views = "select count(*) from duckdb_views() where view_name = $name and not internal"
    return con.execute(views, {"name": name}).fetchall()[0][0] > 0


def _write_month(
    con: duckdb.DuckDBPyConnection,
    data_dir: Path,
    config: Config,
    month: str,
    facts_file: Path,
    source: str,
    as_of: dt.datetime,
) -> tuple[BuiltMonth, int]:
    stored = raw.parquet_list([facts_file])
    newest_us = _month_views(con, f"select * from read_parquet({stored})")
    params = {"tz": config.display_time_zone}
    names: dict[str, str] = {}
    rows = 0
    for table, (_, order) in DAILY_TABLES.items():
        folder = _folder(data_dir, month, table)
        if table == sql.TERM_TABLE:
            names[table] = _write_term_month(con, folder, stored, order, params)
            continue
        # a total order of the keys: the same data gives byte-identical files
        names[table], written = facts.copy_content_named(
            con,
            folder,
            f"copy ({sql.query_text(table)} order by {order}) "
            "to $path (format parquet, compression zstd)",
            params,
        )
        if table == "daily_sums":  # the rows reported: the daily sums'
            rows = written
    horizon = as_of - dt.timedelta(seconds=longest_target_s(config))
    settled = newest_us is None or raw.from_epoch_us(newest_us) < horizon
    return BuiltMonth(source, as_of.isoformat(), settled, names["daily_sums"], names), rows


def _month_views(con: duckdb.DuckDBPyConnection, facts_select: str) -> int | None:
    """Point the views `conversation_facts`, `conversations` and `interactions` at the
    conversations of `facts_select` and returns their newest message (epoch us)."""
    con.execute(f"create or replace view conversation_facts as {facts_select}")
    con.execute("create or replace view conversations as " + sql.query_text("conversations"))
    oldest_us, newest_us = con.execute(
        "select epoch_us(min(first_inbound_at)), epoch_us(max(last_message_at)) "
        "from conversation_facts"
    ).fetchall()[0]
    # conversations have no message before their first inbound one or after their last
    # one: the term counts, which join the raw messages, read only the raw rows in
    # between (constant bounds, so the Parquet scan skips the other months' row groups
    # instead of reading the whole log for every month)
    con.execute(
        "create or replace view interactions as select * from raw_interactions "
        f"where created_at between make_timestamptz({oldest_us or 0}) "
        f"and make_timestamptz({newest_us or 0})"
    )
    return newest_us


def _write_term_month(
    con: duckdb.DuckDBPyConnection, folder: Path, stored: str, order: str, params: dict
) -> str:
    """The term counts of one facts month, in runs of local days of at most
    TERM_CHUNK_CONVERSATIONS conversations each (at 100M interactions a month's
    tokens and two-word joins do not fit the build's memory cap in one query).
    Business rule: the local day is a key of every row, so runs of whole days give
    disjoint rows and their union is exactly the month's; the file is the same bytes
    whatever the runs."""
    day = f"timezone({sql.sql_string(params['tz'])}, first_inbound_at)::date"
    per_day = con.execute(
        f"select {day} as day, count(*) from read_parquet({stored}) group by all order by day"
    ).fetchall()
    query = sql.query_text(sql.TERM_TABLE)
    # every month through the same table (a file written straight from the query would
    # carry other NOT NULL flags: one run or several must give the same bytes)
    runs = _day_runs(per_day, TERM_CHUNK_CONVERSATIONS)
    con.execute(f"create or replace temp table _term_runs as {query} limit 0", params)
    try:
        for first, last in runs:
            if len(runs) > 1:  # one run is the whole month: the views already are
                _month_views(
                    con,
                    f"select * from read_parquet({stored}) "
                    f"where {day} between date '{first}' and date '{last}'",
                )
            con.execute(f"insert into _term_runs {query}", params)
        return facts.write_content_named(
            con,
            folder,
            f"copy (select * from _term_runs order by {order}) to $path "
            "(format parquet, compression zstd)",
            {},
        )
    finally:
        con.execute("drop table if exists _term_runs")
        if len(runs) > 1:
            _month_views(con, f"select * from read_parquet({stored})")


def _day_runs(per_day: list[tuple[dt.date, int]], most: int) -> list[tuple[dt.date, dt.date]]:
    """Consecutive runs of the (day, conversations) list, each of at most `most`
    conversations unless a single day holds more (a day is never split)."""
    runs: list[tuple[dt.date, dt.date]] = []
    count = 0
    for day, n in per_day:
        if runs and count + n <= most:
            runs[-1] = (runs[-1][0], day)
            count += n
        else:
            runs.append((day, day))
            count = n
    return runs
