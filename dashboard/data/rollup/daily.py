"""The daily rollup: additive sums per local day x brand x channel x follower bucket.

    <data dir>/rollups/daily/month=YYYY-MM/part-0.parquet
    <data dir>/rollups/agent_daily/month=YYYY-MM/part-0.parquet
    <data dir>/rollups/_daily.json

Each month file is queries/model/daily_sums.sql over the conversations of one month
file of the conversation facts rollup (facts.py), with the current config's targets
and the data's as-of time applied (queries/model/conversations.sql), its days cut in
the config's display time zone. Pages read these few hundred thousand rows instead of
millions of conversations; only medians, percentiles, channel paths and drill-downs
read the conversation facts.

A daily month depends on three things, recorded per month in the manifest, and is
stale when one of them changed (`state`, which only reads):

- its conversation facts month file (fingerprint: name, size, mtime);
- the rules: the two queries, the first-response targets and the time zone;
- the as-of time. `dropped` (hence the resolved proxy) is judged at the newest
  timestamp in the data, and a conversation's verdict can only change while it has
  waited less than its target. A month is *settled* when its newest message is older
  than as_of minus the longest target: a later as_of cannot change it, so only the
  last month or two are rebuilt when new data moves as_of.

Each month is written for every query of DAILY_TABLES (the daily sums, and the agents'
daily sums of queries/model/agent_daily_sums.sql) from the same conversations; a month
is current only when all its files are. Files are written under a temporary name and
renamed; the manifest is written last.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb

from dashboard.core.config import Config
from dashboard.core.vocabulary import DEFAULT_TARGET_S
from dashboard.data import raw, sql
from dashboard.data.rollup import facts

DAILY = "daily"
MANIFEST = "_daily.json"
DAILY_ORDER = "day, brand, channel, follower_bucket, switched_channel"
# each model query of sql.DAILY_TABLES -> (its rollup folder, a total order of its keys:
# the same data gives byte-identical files); loaded at connect as a table of its name
_LAYOUT: dict[str, tuple[str, str]] = {
    "daily_sums": (DAILY, DAILY_ORDER),
    "agent_daily_sums": ("agent_daily", "day, brand, channel, agent_id nulls first"),
}
DAILY_TABLES: dict[str, tuple[str, str]] = {t: _LAYOUT[t] for t in sql.DAILY_TABLES}


@dataclass(frozen=True)
class BuiltMonth:
    source: str  # fingerprint of the conversation month file it was built from
    as_of: str  # ISO as-of time it was judged at
    settled: bool  # no verdict in it can change when as_of moves later


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


def month_file(data_dir: Path, month: str, table: str = "daily_sums") -> Path:
    folder = DAILY_TABLES[table][0]
    return facts.rollup_dir(data_dir) / folder / f"month={month}" / "part-0.parquet"


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
        },
        sort_keys=True,
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def longest_target_s(config: Config) -> float:
    return max([DEFAULT_TARGET_S, *(float(v) for v in config.targets_s.values())])


def _read_manifest(data_dir: Path) -> tuple[str, dict[str, BuiltMonth]]:
    path = facts.rollup_dir(data_dir) / MANIFEST
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
        return body["rules"], {m: BuiltMonth(**v) for m, v in body["months"].items()}
    except (OSError, ValueError, KeyError, TypeError):
        return "", {}


def _write_manifest(data_dir: Path, rule: str, months: dict[str, BuiltMonth]) -> None:
    path = facts.rollup_dir(data_dir) / MANIFEST
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    body = {"rules": rule, "months": {m: vars(b) for m, b in sorted(months.items())}}
    tmp.write_text(json.dumps(body, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def is_current(built: BuiltMonth | None, source: str, as_of: dt.datetime) -> bool:
    if built is None or built.source != source:
        return False
    built_as_of = dt.datetime.fromisoformat(built.as_of)
    return built_as_of == as_of or (built.settled and as_of > built_as_of)


def state(
    data_dir: Path, config: Config, months: list[str], as_of: dt.datetime | None
) -> DailyState:
    """The stored daily months that are current for the stored facts `months` at
    `as_of` under `config`, and the ones that are not."""
    data_dir = Path(data_dir)
    rule = rules(config)
    old_rule, built = _read_manifest(data_dir)
    rules_changed = old_rule != rule
    if rules_changed:
        built = {}
    current, stale = {}, []
    for month in months:
        source = facts.fingerprint([facts.month_file(data_dir, month)])
        if (
            as_of is not None
            and is_current(built.get(month), source, as_of)
            and all(month_file(data_dir, month, t).is_file() for t in DAILY_TABLES)
        ):
            current[month] = built[month]
        else:
            stale.append(month)
    return DailyState(rules_changed, current, tuple(stale))


def refresh(
    data_dir: Path, config: Config, manifest: facts.Manifest, full: bool = False
) -> DailyUpdate:
    """Bring the stored daily rollup in line with the stored facts `manifest` and
    `config` (every month with `full`). Raises OSError when it cannot write."""
    data_dir = Path(data_dir)
    as_of = manifest.as_of
    daily = state(data_dir, config, manifest.months, as_of)
    stale = list(manifest.months) if full else list(daily.stale)
    kept = {m: b for m, b in daily.current.items() if m not in stale}
    rows = 0
    if stale:
        con = raw.raw_connection(data_dir, config)
        raw.set_as_of(con, as_of)
        for month in stale:
            source = facts.fingerprint([facts.month_file(data_dir, month)])
            kept[month], written = _write_month(con, data_dir, config, month, source, as_of)
            rows += written
        con.close()
    for name, _ in DAILY_TABLES.values():
        root = facts.rollup_dir(data_dir) / name
        if root.is_dir():  # months the facts rollup no longer has
            for folder in root.glob("month=*"):
                if folder.name.removeprefix("month=") not in manifest.months:
                    shutil.rmtree(folder, ignore_errors=True)
    _, built = _read_manifest(data_dir)
    if stale or daily.rules_changed or set(built) != set(kept):
        _write_manifest(data_dir, rules(config), kept)
    return DailyUpdate(stale, rows)


def _write_month(
    con: duckdb.DuckDBPyConnection,
    data_dir: Path,
    config: Config,
    month: str,
    source: str,
    as_of: dt.datetime,
) -> tuple[BuiltMonth, int]:
    stored = raw.parquet_list([facts.month_file(data_dir, month)])
    con.execute(
        f"create or replace view conversation_facts as select * from read_parquet({stored})"
    )
    con.execute("create or replace view conversations as " + sql.query_text("conversations"))
    newest_us = con.execute(
        "select epoch_us(max(last_message_at)) from conversation_facts"
    ).fetchall()[0][0]
    params = {"tz": config.display_time_zone}
    rows = 0
    for table, (_, order) in DAILY_TABLES.items():
        path = month_file(data_dir, month, table)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
        try:
            con.execute(
                f"copy ({sql.query_text(table)} order by {order}) "
                f"to {sql.sql_string(str(tmp))} (format parquet, compression zstd)",
                params,
            )
            if table == "daily_sums":  # the rows reported: the daily sums'
                written = f"select count(*) from read_parquet({sql.sql_string(str(tmp))})"
                rows = con.execute(written).fetchall()[0][0]
            os.replace(tmp, path)
        finally:
            if tmp.exists():
                tmp.unlink()
    horizon = as_of - dt.timedelta(seconds=longest_target_s(config))
    settled = newest_us is None or raw.from_epoch_us(newest_us) < horizon
    return BuiltMonth(source, as_of.isoformat(), settled), rows
