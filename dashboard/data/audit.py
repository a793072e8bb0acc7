"""The audit log of the private app with sign-in on (docs/DATA.md, "Audit log"):
`<data dir>/audit/audit.log`, one JSON object a line, rotated by size.

Every line has `at` (UTC, ISO 8601 with milliseconds and Z), `event`, `who` (the
signed-in person: email and/or the provider's subject id) and the event's own fields:

    sign-in        provider, role (null: signed in without a role); or outcome "failed"
                   with the provider's error
    upload         format, files (name, bytes), outcome, rows read/accepted/rejected/
                   duplicates, or the error when nothing was imported
    message-text   brand and conversation_id whose messages were shown

This folder is the one place the serving app writes to in the data dir besides the
imports of the upload page. One server process writes it (its threads share a lock);
a write that fails raises AuditError, and the app then withholds what it could not
record (message text) rather than show it unrecorded.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import logging.handlers
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

AUDIT_DIR = "audit"
AUDIT_FILE = "audit.log"
# 10 files of at most 5 MiB: about 25,000 lines each, the newest in audit.log and the
# older ones in audit.log.1 (newest) ... audit.log.9 (oldest, dropped at the next turn)
MAX_BYTES = 5 * 1024 * 1024
BACKUPS = 9


class AuditError(OSError):
    """The audit log cannot be written (the path and the reason in the message)."""


class _RaisingHandler(logging.handlers.RotatingFileHandler):
    """logging prints a failed write to stderr and carries on; an audit must know."""

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 (logging's name)
        raise  # re-raises the error emit() is handling


_handlers: dict[tuple[Path, int, int], _RaisingHandler] = {}
_lock = threading.Lock()


def audit_path(data_dir: Path) -> Path:
    return Path(data_dir) / AUDIT_DIR / AUDIT_FILE


def _handler(path: Path, max_bytes: int, backups: int) -> _RaisingHandler:
    key = (path.resolve(), max_bytes, backups)
    with _lock:
        handler = _handlers.get(key)
        if handler is None:
            path.parent.mkdir(parents=True, exist_ok=True)
            handler = _RaisingHandler(
                path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8"
            )
            handler.setFormatter(logging.Formatter("%(message)s"))
            _handlers[key] = handler
        return handler


def entry(
    event: str, who: Mapping[str, str], at: dt.datetime | None = None, **what: Any
) -> dict[str, Any]:
    """One audit line as a dict: at (UTC), event, who, then the event's fields."""
    when = (at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    stamp = when.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return {"at": stamp, "event": event, "who": dict(who), **what}


def record(
    data_dir: Path,
    event: str,
    who: Mapping[str, str],
    *,
    at: dt.datetime | None = None,
    max_bytes: int = MAX_BYTES,
    backups: int = BACKUPS,
    **what: Any,
) -> dict[str, Any]:
    """Append one line to the audit log of `data_dir` (rotating first when the file
    would pass `max_bytes`); returns what was written. AuditError when it cannot."""
    line = entry(event, who, at, **what)
    path = audit_path(data_dir)
    try:
        handler = _handler(path, max_bytes, backups)
        handler.handle(logging.makeLogRecord({"msg": json.dumps(line, default=str)}))
    except OSError as exc:
        raise AuditError(f"{path}: cannot write the audit log: {exc}") from exc
    return line


def check_writable(data_dir: Path) -> Path:
    """Create the audit folder and open the log for appending (at server start);
    AuditError, with the reason, when that fails."""
    path = audit_path(data_dir)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8"):
            pass
    except OSError as exc:
        raise AuditError(f"{path}: cannot write the audit log: {exc}") from exc
    return path


def read(data_dir: Path) -> list[dict[str, Any]]:
    """Every line of the current audit.log (not the rotated ones), oldest first."""
    path = audit_path(data_dir)
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
