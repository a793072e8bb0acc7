"""TCP_NODELAY on the server's listening sockets (dashboard/server.py, at start).

Why: uvicorn writes a response in separate send() calls (status line and headers,
then the body). Streamlit binds its listening socket itself as `socket.socket(family)`,
whose protocol number is 0, and asyncio turns Nagle's algorithm off only on sockets
whose protocol reads IPPROTO_TCP; so on every accepted connection Nagle stays on. On a
kept-alive connection the body then waits for the ACK of the headers, which the client
delays by about 40 ms: every request after the first on a connection took ~41 ms
(about 22 requests/s per connection) instead of ~1.5 ms.

Linux copies TCP_NODELAY from a listening socket to the connections it accepts, so
setting it once on the listener fixes every connection, without touching Streamlit or
uvicorn. The listener is found among this process's open file descriptors (the only
listening TCP sockets of a `chi serve` process are its server's).
"""

from __future__ import annotations

import logging
import os
import socket
import stat

log = logging.getLogger("chi.nodelay")


def _descriptors() -> list[int]:
    try:
        return sorted(int(name) for name in os.listdir("/proc/self/fd"))
    except OSError:  # no /proc (macOS): the usual range
        return list(range(3, 1024))


def _is_tcp_listener(sock: socket.socket) -> bool:
    if sock.family not in (socket.AF_INET, socket.AF_INET6) or sock.type != socket.SOCK_STREAM:
        return False
    try:
        return bool(sock.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN))
    except OSError:
        return False


def set_on_listeners(port: int | None = None) -> list[int]:
    """Turn Nagle's algorithm off on this process's listening TCP sockets (only those
    on `port` when given). Returns the ports it changed."""
    changed: list[int] = []
    for fd in _descriptors():
        try:
            if not stat.S_ISSOCK(os.fstat(fd).st_mode):
                continue
            sock = socket.socket(fileno=os.dup(fd))  # a duplicate: closing it keeps fd
        except OSError:
            continue
        with sock:
            try:
                if not _is_tcp_listener(sock):
                    continue
                bound = sock.getsockname()[1]
                if port is not None and bound != port:
                    continue
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                changed.append(bound)
            except OSError:
                log.warning("could not set TCP_NODELAY on descriptor %d", fd)
    return changed
