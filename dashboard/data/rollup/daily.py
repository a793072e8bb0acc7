"""The daily rollup: additive sums per local day x brand x channel x follower bucket.

    <data dir>/rollups/daily/month=YYYY-MM/part-0.parquet
    <data dir>/rollups/_daily.json

Each month file is queries/daily_sums.sql over the conversations of one month file of
the conversation rollup (dashboard/rollups.py), with the current config's targets and
the data's as-of time applied (queries/conversations_from_facts.sql), its days cut in
the config's display time zone. Pages read these few hundred thousand rows instead of
millions of conversations; only medians, percentiles, channel paths and drill-downs
read the conversation rollup.

A daily month depends on three things, recorded per month in the manifest, and is
rebuilt when one of them changed:

- its conversation month file (fingerprint: name, size, mtime);
- the rules: the two queries, the first-response targets and the time zone;
- the as-of time. `dropped` (hence the resolved proxy) is judged at the newest
  timestamp in the data, and a conversation's verdict can only change while it has
  waited less than its target. A month is *settled* when its newest message is older
  than as_of minus the longest target: a later as_of cannot change it, so only the
  last month or two are rebuilt when new data moves as_of.

Files are written under a temporary name and renamed; the manifest is written last.
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
from dashboard.data import connection, sql
from dashboard.data.rollup import conversations as rollups

DAILY = "daily"
MANIFEST = "_daily.json"


@dataclass(frozen=True)
class BuiltMonth:
    source: str  # fingerprint of the conversation month file it was built from
    as_of: str  # ISO as-of time it was judged at
    settled: bool  # no verdict in it can change when as_of moves later


def month_file(data_dir: Path, month: str) -> Path:
    return rollups.rollup_dir(data_dir) / DAILY / f"month={month}" / "part-0.parquet"


def daily_glob(data_dir: Path) -> str:
    return str(rollups.rollup_dir(data_dir).resolve() / DAILY / "month=*" / "*.parquet")


def rules(config: Config) -> str:
    """Everything besides the source rows and as_of that the stored sums depend on."""
    text = json.dumps(
        {
            "queries": [sql.query_text(q) for q in ("conversations", "daily_sums")],
            "macros": sql.macros_text(),
            "facts": rollups.version(),
            "targets": sorted((k, float(v)) for k, v in config.targets_s.items()),
            "tz": config.display_time_zone,
        },
        sort_keys=True,
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def longest_target_s(config: Config) -> float:
    return max([DEFAULT_TARGET_S, *(float(v) for v in config.targets_s.values())])


def _read_manifest(data_dir: Path) -> tuple[str, dict[str, BuiltMonth]]:
    path = rollups.rollup_dir(data_dir) / MANIFEST
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return raw["rules"], {m: BuiltMonth(**v) for m, v in raw["months"].items()}
    except (OSError, ValueError, KeyError, TypeError):
        return "", {}


def _write_manifest(data_dir: Path, rule: str, months: dict[str, BuiltMonth]) -> None:
    path = rollups.rollup_dir(data_dir) / MANIFEST
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    body = {"rules": rule, "months": {m: vars(b) for m, b in sorted(months.items())}}
    tmp.write_text(json.dumps(body, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def is_current(built: BuiltMonth | None, source: str, as_of: dt.datetime) -> bool:
    if built is None or built.source != source:
        return False
    built_as_of = dt.datetime.fromisoformat(built.as_of)
    return built_as_of == as_of or (built.settled and as_of > built_as_of)


def refresh(data_dir: Path, config: Config, manifest: rollups.Manifest) -> list[str]:
    """Bring the stored daily rollup in line with the conversation rollup `manifest`
    and `config`; returns the months rebuilt. Raises OSError when it cannot write."""
    data_dir = Path(data_dir)
    as_of = manifest.as_of
    rule = rules(config)
    old_rule, built = _read_manifest(data_dir)
    if old_rule != rule:
        built = {}
    sources = {m: rollups.fingerprint([rollups.month_file(data_dir, m)]) for m in manifest.months}
    stale = [
        m
        for m in manifest.months
        if as_of is None
        or not is_current(built.get(m), sources[m], as_of)
        or not month_file(data_dir, m).is_file()
    ]
    kept = {m: b for m, b in built.items() if m in sources and m not in stale}
    if stale:
        con = connection.connect(data_dir, config, materialise=False)
        connection.set_as_of(con, as_of)
        for month in stale:
            kept[month] = _write_month(con, data_dir, config, month, sources[month], as_of)
        con.close()
    root = rollups.rollup_dir(data_dir) / DAILY
    if root.is_dir():  # months the conversation rollup no longer has
        for folder in root.glob("month=*"):
            if folder.name.removeprefix("month=") not in sources:
                shutil.rmtree(folder, ignore_errors=True)
    if stale or old_rule != rule or set(built) != set(kept):
        _write_manifest(data_dir, rule, kept)
    return stale


def _write_month(
    con: duckdb.DuckDBPyConnection,
    data_dir: Path,
    config: Config,
    month: str,
    source: str,
    as_of: dt.datetime,
) -> BuiltMonth:
    facts = sql.sql_string(str(rollups.month_file(data_dir, month).resolve()))
    con.execute(f"create or replace view conversation_facts as select * from read_parquet({facts})")
    con.execute("create or replace view conversations as " + sql.query_text("conversations"))
    newest_us = con.execute(
        "select epoch_us(max(last_message_at)) from conversation_facts"
    ).fetchall()[0][0]
    path = month_file(data_dir, month)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        # a total order of the keys: the same data gives byte-identical files
        con.execute(
            f"copy ({sql.query_text('daily_sums')} order by day, brand, channel, "
            "follower_bucket, switched_channel) "
            f"to {sql.sql_string(str(tmp))} (format parquet, compression zstd)",
            {"tz": config.display_time_zone},
        )
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    horizon = as_of - dt.timedelta(seconds=longest_target_s(config))
    settled = newest_us is None or rollups.from_epoch_us(newest_us) < horizon
    return BuiltMonth(source, as_of.isoformat(), settled)
