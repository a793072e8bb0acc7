"""The process's one public board: built once per data version + config, read by all.

The public pages (dashboard/ui/public.py: board, brand card) and the JSON/SVG feeds
(dashboard/web/api.py) read the same `Board` object and the same brand histories from
here, so a visitor's script run does no query work and copies nothing: not even the
unpickling of a Streamlit cache hit, nor a walk over the data files per run.

- The board is built over the process's shared connection
  (connection.shared_connection) the first time anyone asks for it, under a lock (20
  sessions arriving at once wait for one build).
- The data version (connection.data_version, a stat of every data file) is re-read at
  most every RECHECK_S seconds per data dir, as the feeds always did: new data shows
  within RECHECK_S seconds, without a restart. A config change shows at once (the
  config's fingerprint is part of the key).
- A brand's weekly history is built on first request and kept with its board, and so
  are the board's movers (dashboard/views/movers.py `public_movers`).
- At most KEPT data dirs are held (tests open many; a server has one).

Board, BrandScore and WeekPoint are frozen dataclasses and histories are tuples: what
is shared cannot be changed by a reader.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from dashboard.core.config import Config
from dashboard.data import connection
from dashboard.views import movers as movers_view
from dashboard.views import public

RECHECK_S = 2.0
KEPT = 4


@dataclass
class _Entry:
    key: str  # data version | config fingerprint
    version: str
    board: public.Board
    histories: dict[str, tuple[public.WeekPoint, ...]] = field(default_factory=dict)
    movers: tuple[movers_view.Movers | None] | None = None  # (movers,) once built


@dataclass
class _Version:
    value: str
    checked_at: float  # time.monotonic()


class SharedBoards:
    def __init__(self, recheck_s: float = RECHECK_S) -> None:
        self.recheck_s = recheck_s
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, _Entry] = OrderedDict()  # by data dir
        self._versions: dict[str, _Version] = {}

    def version(self, data_dir: Path) -> str:
        """The data version of `data_dir`, re-read at most every `recheck_s` seconds."""
        name = str(Path(data_dir).resolve())
        with self._lock:
            seen = self._versions.get(name)
            now = time.monotonic()
            if seen is None or now - seen.checked_at > self.recheck_s:
                seen = _Version(connection.data_version(Path(name)), now)
                self._versions[name] = seen
                while len(self._versions) > KEPT:
                    self._versions.pop(next(iter(self._versions)))
            return seen.value

    def _entry(self, data_dir: Path, config: Config) -> _Entry:
        version = self.version(data_dir)
        name = str(Path(data_dir).resolve())
        key = f"{version}|{config.fingerprint()}"
        with self._lock:
            entry = self._entries.get(name)
            if entry is None or entry.key != key:
                cursor = connection.shared_connection(Path(name), config, version).cursor()
                try:
                    entry = _Entry(key, version, public.board(cursor, config))
                finally:
                    cursor.close()
                self._entries[name] = entry
            self._entries.move_to_end(name)
            while len(self._entries) > KEPT:
                self._entries.popitem(last=False)
            return entry

    def board(self, data_dir: Path, config: Config) -> public.Board:
        """The public board of `data_dir` under `config`."""
        return self._entry(data_dir, config).board

    def versioned_board(self, data_dir: Path, config: Config) -> tuple[str, public.Board]:
        """(data version, board), for a reader that keys more on the version."""
        entry = self._entry(data_dir, config)
        return entry.version, entry.board

    def history(self, data_dir: Path, config: Config, brand: str) -> tuple[public.WeekPoint, ...]:
        """public.brand_history of one brand, kept with the current board."""
        entry = self._entry(data_dir, config)
        with self._lock:
            if brand not in entry.histories:
                con = connection.shared_connection(Path(data_dir).resolve(), config, entry.version)
                cursor = con.cursor()
                try:
                    entry.histories[brand] = public.brand_history(cursor, config, brand)
                finally:
                    cursor.close()
            return entry.histories[brand]

    def movers(self, data_dir: Path, config: Config) -> movers_view.Movers | None:
        """The board's movers (public brands only, the board's periods and rounding),
        kept with the current board; None when the board has no period."""
        entry = self._entry(data_dir, config)
        with self._lock:
            if entry.movers is None:
                con = connection.shared_connection(Path(data_dir).resolve(), config, entry.version)
                cursor = con.cursor()
                try:
                    entry.movers = (movers_view.public_movers(cursor, config, entry.board),)
                finally:
                    cursor.close()
            return entry.movers[0]

    def clear(self) -> None:
        """Forget every board and version (tests; a process done with its data)."""
        with self._lock:
            self._entries.clear()
            self._versions.clear()


SHARED = SharedBoards()
