"""A tiny sticky load balancer for several `chi serve` processes (README, "Several servers").

    uv run python scripts/sticky_proxy.py --listen 8500 \\
        --backend localhost:8501 --backend localhost:8502

A Streamlit session is a websocket bound to the one process that holds its state, and
its uploads and media must reach that process too: a balancer must keep a visitor on
one backend. This one does it with a cookie, as nginx's `sticky cookie` or a
`hash $cookie_...` does: a connection whose first request carries `chi_backend=<i>` goes
to backend i; any other is given the next backend in turn, and the first response on
it sets the cookie. The connection is then piped both ways byte for byte, so kept-alive
requests and websockets (/_stcore/stream) pass through unchanged.

For tests and trials on one machine, not for production (use nginx, HAProxy or your
platform's balancer with session affinity: the README has an nginx example).
`connections` records, per accepted connection, the backend, the first request's path
and whether it came with the cookie.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import threading
from collections.abc import Iterator
from dataclasses import dataclass

COOKIE = "chi_backend"
HEAD_LIMIT = 64 * 1024


@dataclass(frozen=True)
class Routed:
    backend: int
    path: str
    had_cookie: bool
    websocket: bool


def _cookie_backend(head: bytes, backends: int) -> int | None:
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() != b"cookie":
            continue
        for part in value.decode("latin-1").split(";"):
            key, _, found = part.strip().partition("=")
            if key == COOKIE and found.isdigit() and int(found) < backends:
                return int(found)
    return None


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        with contextlib.suppress(Exception):
            writer.close()


class StickyProxy:
    def __init__(self, backends: list[tuple[str, int]]) -> None:
        self.backends = backends
        self._turn = itertools.cycle(range(len(backends)))
        self.connections: list[Routed] = []

    async def handle(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        try:
            head = await client_r.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            client_w.close()
            return
        chosen = _cookie_backend(head, len(self.backends))
        index = next(self._turn) if chosen is None else chosen
        request_line = head.split(b"\r\n", 1)[0].decode("latin-1").split()
        path = request_line[1] if len(request_line) > 1 else "?"
        self.connections.append(
            Routed(index, path, chosen is not None, b"upgrade: websocket" in head.lower())
        )
        try:
            backend_r, backend_w = await asyncio.open_connection(*self.backends[index])
        except OSError:
            client_w.write(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
            client_w.close()
            return
        backend_w.write(head)
        upstream = asyncio.create_task(_pipe(client_r, backend_w))
        try:
            response = await backend_r.readuntil(b"\r\n\r\n")
            if chosen is None:  # the first answer names the backend for what follows
                status, _, rest = response.partition(b"\r\n")
                cookie = f"Set-Cookie: {COOKIE}={index}; Path=/; HttpOnly; SameSite=Lax\r\n"
                response = status + b"\r\n" + cookie.encode() + rest
            client_w.write(response)
            await _pipe(backend_r, client_w)
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            client_w.close()
        finally:
            upstream.cancel()
            with contextlib.suppress(Exception):
                backend_w.close()

    async def serve(self, host: str, port: int) -> asyncio.Server:
        return await asyncio.start_server(self.handle, host, port, limit=HEAD_LIMIT)


@contextlib.contextmanager
def running(
    backends: list[tuple[str, int]], host: str = "127.0.0.1"
) -> Iterator[tuple[str, StickyProxy]]:
    """Run a StickyProxy on a free port in a thread; yields (base URL, proxy)."""
    proxy = StickyProxy(backends)
    loop = asyncio.new_event_loop()
    started = threading.Event()
    holder: dict[str, asyncio.Server] = {}

    def run() -> None:
        asyncio.set_event_loop(loop)
        holder["server"] = loop.run_until_complete(proxy.serve(host, 0))
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=run, name="sticky-proxy", daemon=True)
    thread.start()
    started.wait(10)
    port = holder["server"].sockets[0].getsockname()[1]
    try:
        yield f"http://{host}:{port}", proxy
    finally:
        asyncio.run_coroutine_threadsafe(_shutdown(holder["server"]), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=5)
        loop.close()


async def _shutdown(server: asyncio.Server) -> None:
    """Stop accepting, then end every piped connection (their tasks finish here)."""
    server.close()
    tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


def _backend(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    return host or "localhost", int(port)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listen", type=int, default=8500, help="port to listen on")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--backend", action="append", required=True, type=_backend)
    args = parser.parse_args(argv)

    async def forever() -> None:
        server = await StickyProxy(args.backend).serve(args.host, args.listen)
        print(f"sticky proxy on http://{args.host}:{args.listen} -> {args.backend}")
        async with server:
            await server.serve_forever()

    asyncio.run(forever())


if __name__ == "__main__":
    main()
