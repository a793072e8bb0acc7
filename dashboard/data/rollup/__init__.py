"""The rollups: derived Parquet beside the raw log that the pages read.

    <data dir>/rollups/conversation_facts/   one row per conversation (facts.py)
    <data dir>/rollups/daily/                daily sums built on them (daily.py)

Data flows one way: write (chi ingest, chi demo, the upload page) -> rollups ->
read. Building or refreshing the rollups is an explicit step, `refresh`, run by
`chi rollup`, by `chi ingest` and the upload page after writing, by `chi demo` after
generating and by `chi serve` before the server starts. Reading never writes:
connection.connect reads the stored rollups when they are fresh and computes what is
stale in memory (and says so: connection.rollup_status).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from dashboard.core.config import Config
from dashboard.data import lock, store
from dashboard.data.rollup import daily, facts


class RollupError(Exception):
    """The rollups cannot be stored: a missing or read-only data dir (one line)."""


@dataclass(frozen=True)
class Rebuilt:
    """What one rollup's refresh wrote."""

    name: str  # the folder under <data dir>/rollups/
    months: tuple[str, ...]  # months rewritten
    rows: int  # rows in the rewritten months
    seconds: float
    removed: tuple[str, ...] = ()  # months deleted: no conversation starts there any more

    @property
    def changed(self) -> bool:
        return bool(self.months or self.removed)

    def line(self) -> str:
        if not self.changed:
            return f"{self.name}: up to date"
        parts = []
        if self.months:
            parts.append(f"rebuilt {_months(self.months)}, {self.rows:,} rows")
        if self.removed:
            parts.append(f"removed {_months(self.removed)}")
        return f"{self.name}: {'; '.join(parts)} in {self.seconds:.2f} s"


@dataclass(frozen=True)
class RefreshReport:
    """What `refresh` did, per rollup."""

    data_dir: Path
    rollups: tuple[Rebuilt, ...]  # empty when there is no interaction data
    rollups_only: bool = False  # synced rollups and no raw log here (facts.rollups_only)

    @property
    def up_to_date(self) -> bool:
        return not any(r.changed for r in self.rollups)

    @property
    def seconds(self) -> float:
        return sum(r.seconds for r in self.rollups)

    def lines(self) -> list[str]:
        """What `chi rollup` prints: one line per rollup, or one line when nothing was
        stale."""
        if self.rollups_only:
            return [
                f"{self.data_dir} holds synced rollups and no raw log: read as stored, "
                "nothing to roll up here"
            ]
        if not self.rollups:
            return [f"no interaction data in {self.data_dir}: nothing to roll up"]
        if self.up_to_date:
            return [f"rollups in {self.data_dir} are up to date"]
        return [r.line() for r in self.rollups]

    def summary(self) -> str:
        """One line, for the verbs that refresh after writing."""
        if not self.rollups or self.up_to_date:
            return "rollups: " + self.lines()[0]
        return "rollups: " + "; ".join(r.line() for r in self.rollups if r.changed)


def _months(months: tuple[str, ...]) -> str:
    if len(months) == 1:
        return f"1 month ({months[0]})"
    if len(months) <= 3:
        return f"{len(months)} months ({', '.join(months)})"
    return f"{len(months)} months ({months[0]} to {months[-1]})"


def refresh(
    data_dir: Path,
    config: Config,
    full: bool = False,
    wait: bool = True,
    command: str = "chi rollup",
    lean: bool = False,
) -> RefreshReport:
    """Store the rollups of `data_dir` for `config`, rebuilding only what is stale (every
    month with `full`), under the data dir's writer lock (waited for, or with `wait`
    false RollupError says who holds it). Both rollups are published together in one
    step (facts.py, "Publishing"): a refresh killed at any moment leaves the old
    rollups or the new. Raises RollupError for a missing or read-only data dir.
    `lean`: build in little memory on one thread (facts.LEAN_MEMORY), as the refresh
    after an import does; slower, and retried at facts.BUILD_MEMORY if it runs out."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise RollupError(f"no data directory {data_dir}")
    if not facts.raw_months(data_dir) and not facts.rollup_dir(data_dir).exists():
        return RefreshReport(data_dir, ())
    if facts.rollups_only(data_dir):  # synced from where the raw log is: never rebuilt here
        return RefreshReport(data_dir, (), rollups_only=True)
    if not full and _up_to_date(data_dir, config):  # judged without the lock: it only reads
        return RefreshReport(
            data_dir, tuple(Rebuilt(n, (), 0, 0.0) for n in (facts.FACTS, daily.DAILY))
        )
    try:
        with lock.writer_lock(data_dir, command, wait=wait):
            return _refresh(data_dir, config, full, lean)
    except lock.LockBusy as exc:
        raise RollupError(str(exc)) from exc
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        raise RollupError(
            f"cannot store the rollups in {data_dir}: {exc.strerror or exc}{where}"
        ) from exc


def _up_to_date(data_dir: Path, config: Config) -> bool:
    """Nothing to rebuild: the facts are fresh and every daily month is current."""
    stored = facts.state(data_dir)
    if not stored.fresh or stored.manifest is None:
        return False
    manifest = stored.manifest
    sums = daily.state(data_dir, config, manifest.months, manifest.as_of, manifest)
    return (
        not sums.rules_changed
        and not sums.stale
        and daily.stored_months(data_dir) == set(manifest.months)
    )


def _refresh(data_dir: Path, config: Config, full: bool, lean: bool) -> RefreshReport:
    """One refresh; a lean one (facts.lean_builds) that needs more memory (an operator
    that cannot spill, on a large log) runs again at facts.BUILD_MEMORY. Nothing is
    published before a build completes, so the retry starts from the same state."""
    if not lean:
        return _refresh_once(data_dir, config, full)
    try:
        with facts.lean_builds():
            return _refresh_once(data_dir, config, full)
    except duckdb.OutOfMemoryException:
        return _refresh_once(data_dir, config, full)


def _refresh_once(data_dir: Path, config: Config, full: bool) -> RefreshReport:
    try:
        store.sweep(data_dir)  # what a killed writer left: its raw files,
        facts.sweep(data_dir)  # and its rollup files
        started = time.perf_counter()
        stored = facts.refresh(data_dir, full=full, publish=False)
        facts_s = time.perf_counter() - started
        started = time.perf_counter()
        sums = daily.refresh(data_dir, config, stored.manifest, full=full, publish=False)
        # a raw month whose messages open no conversation (a brand's own posts, peer
        # replies) changes no rollup file but must still be recorded as seen, else the
        # rollups read as stale for ever
        seen = stored.manifest != facts.read_manifest(data_dir)
        if stored.months or stored.removed or sums.part is not None or seen:
            part = sums.part if sums.part is not None else facts.read_body(data_dir).get("daily")
            facts.publish_manifest(data_dir, stored.manifest, part)
        daily_s = time.perf_counter() - started
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        raise RollupError(
            f"cannot store the rollups in {data_dir}: {exc.strerror or exc}{where}"
        ) from exc
    except (duckdb.IOException, duckdb.PermissionException) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise RollupError(f"cannot store the rollups in {data_dir}: {first}") from exc
    return RefreshReport(
        data_dir,
        (
            Rebuilt(
                facts.FACTS,
                tuple(stored.months),
                stored.rows,
                facts_s,
                tuple(stored.removed),
            ),
            Rebuilt(daily.DAILY, tuple(sums.months), sums.rows, daily_s),
        ),
    )
