"""One writer at a time per data dir (docs/DATA.md, "Writers, locks and publishing").

    <data dir>/.chi-writer.lock

Every verb that writes a data dir (`chi ingest` and the upload page, `chi demo`,
`chi rollup` and the refresh after a write, `chi rescore`) holds this lock while it
reads what is published, stages its files and publishes them, so two writers never
interleave: the second one waits (and says who it waits for) or, with `--no-wait`,
fails in one line.

The lock is an flock(2) on the file, so the kernel drops it when its holder dies,
however it dies; the file's content (pid, host, command, start time) only says who
holds it. A holder deletes the file when it lets go: a file that still names a
holder when the lock is free was left by a writer that was killed (a stale lock),
and the next writer says that it takes it over. Holding the lock is also what tells a
writer that no other writer lives: what an earlier writer staged and did not publish
is then an orphan and may be cleaned (dashboard/data/store.py, `sweep`).

Within a process the lock is re-entrant per thread (a verb holds it across its write
and its rollup refresh) and exclusive between threads (two uploads in one server).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import socket
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

LOCK_NAME = ".chi-writer.lock"


class LockBusy(Exception):
    """Another writer holds the data dir and the caller would not wait (one line)."""


@dataclass
class _Held:
    lock: threading.RLock
    depth: int = 0
    fd: int | None = None


_HELD: dict[str, _Held] = {}
_HELD_GUARD = threading.Lock()


def lock_path(data_dir: Path) -> Path:
    return Path(data_dir) / LOCK_NAME


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def holder(data_dir: Path) -> dict | None:
    """Who the lock file names (pid, host, command, since), or None when it is empty."""
    try:
        text = lock_path(data_dir).read_text(encoding="utf-8")
        body = json.loads(text) if text.strip() else None
    except (OSError, ValueError):
        return None
    return body if isinstance(body, dict) else None


def describe(body: dict | None) -> str:
    """ "pid 123 on host, chi ingest, since 2026-01-01 10:00:00 UTC" (or "another writer")."""
    if not body:
        return "another writer"
    return (
        f"pid {body.get('pid')} on {body.get('host')}, {body.get('command')}, "
        f"since {body.get('since')}"
    )


def pid_alive(pid: int) -> bool:
    """Whether a process with this pid runs on this host."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, owned by someone else
        return True
    return True


def is_held(data_dir: Path) -> bool:
    """Whether some process holds the lock right now (without taking it)."""
    key = str(Path(data_dir).resolve())
    with _HELD_GUARD:
        if key in _HELD and _HELD[key].depth:
            return True
    try:
        fd = os.open(lock_path(data_dir), os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing drops a lock taken just now
    return False


@contextlib.contextmanager
def writer_lock(
    data_dir: Path,
    command: str,
    wait: bool = True,
    say: Callable[[str], None] = _stderr,
) -> Iterator[None]:
    """Hold the writer lock of `data_dir` (created when missing) for the block.

    Waits for another holder (saying who, once) unless `wait` is false: then raises
    LockBusy. Raises OSError when the lock file cannot be created (read-only dir)."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    key = str(data_dir.resolve())
    with _HELD_GUARD:
        held = _HELD.setdefault(key, _Held(threading.RLock()))
    if not held.lock.acquire(blocking=False):  # another thread of this process writes
        if not wait:
            raise LockBusy(busy_message(data_dir, holder(data_dir)))
        say(f"waiting for another writer in this process to finish with {data_dir}")
        held.lock.acquire()
    try:
        if held.depth == 0:
            held.fd = _acquire(data_dir, command, wait, say)
        held.depth += 1
        try:
            yield
        finally:
            held.depth -= 1
            if held.depth == 0 and held.fd is not None:
                _release(data_dir, held.fd)
                held.fd = None
    finally:
        held.lock.release()


def busy_message(data_dir: Path, body: dict | None) -> str:
    return (
        f"{data_dir} is being written by {describe(body)}; "
        "try again when it has finished (or leave out --no-wait to wait for it)"
    )


def _open_locked(data_dir: Path, wait: bool, say: Callable[[str], None], command: str) -> int:
    """An fd of the lock file, flocked. The file is deleted when its holder lets go, so
    the lock is only ours if the path still names the file we locked (else retry)."""
    said = False
    while True:
        fd = os.open(lock_path(data_dir), os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                body = holder(data_dir)
                if not wait:
                    raise LockBusy(busy_message(data_dir, body)) from None
                if not said:
                    say(f"waiting for {describe(body)}, which is writing to {data_dir} ...")
                    said = True
                fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                same = os.stat(lock_path(data_dir)).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
        except BaseException:
            os.close(fd)
            raise
        if same:
            if said:
                say(f"{data_dir} is free now: {command} goes on")
            return fd
        os.close(fd)  # the holder deleted the file as we waited on it: take the new one


def _acquire(data_dir: Path, command: str, wait: bool, say: Callable[[str], None]) -> int:
    fd = _open_locked(data_dir, wait, say, command)
    try:
        left = holder(data_dir)
        if left:  # a holder that let go would have deleted the file
            state = "no longer running" if not _alive(left) else "no longer holding it"
            say(f"took over a stale lock on {data_dir} left by {describe(left)} ({state})")
        body = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "command": command,
            "since": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
        }
        os.ftruncate(fd, 0)
        os.pwrite(fd, (json.dumps(body) + "\n").encode(), 0)
        return fd
    except BaseException:
        os.close(fd)
        raise


def _alive(body: dict) -> bool:
    pid = body.get("pid")
    same_host = body.get("host") == socket.gethostname()
    return isinstance(pid, int) and same_host and pid_alive(pid)


def _release(data_dir: Path, fd: int) -> None:
    try:
        # gone: nobody holds it (a killed holder leaves the file with its name in it)
        lock_path(data_dir).unlink(missing_ok=True)
    finally:
        os.close(fd)  # drops the flock
