"""Load test of the public feeds over kept-alive HTTP/1.1 connections (docs/BENCHMARKS.md).

    uv run python scripts/load_feeds.py http://localhost:8501 [--connections 16]
        [--requests 20000 | --seconds 10] [--paths /api/index.json,/api/badge/x.svg]

Opens `--connections` TCP connections and keeps each alive for the whole run; every
connection sends one GET at a time (the next once the previous response is read in
full), cycling through `--paths` (default: the index, the methodology, then every
brand's JSON and badge listed in /api/index.json). It stops after `--requests` requests
in all or after `--seconds`, whichever comes first, and prints requests/s, the latency
percentiles (p50, p90, p99, max), the statuses and the bytes read. A non-2xx/304 answer
or a closed connection counts as an error; the exit status is 1 when any occurred.

Asyncio streams and a minimal HTTP/1.1 reader (status line, Content-Length bodies), so
the client costs little CPU next to the server on the same machine; no dependency
beyond the standard library.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class Tally:
    latencies_s: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    errors: int = 0
    bytes_read: int = 0
    sent: int = 0


def default_paths(base_url: str) -> list[str]:
    """The index, the methodology, then each public brand's JSON and badge."""
    with urllib.request.urlopen(f"{base_url}/api/index.json", timeout=30) as response:
        index = json.load(response)
    paths = ["/api/index.json", "/api/methodology.json"]
    for brand in index.get("brands", []):
        paths += [brand["links"]["history"], brand["links"]["badge"]]
    return paths


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, int]:
    """(status, body bytes) of one response with a Content-Length body."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split()[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    if length:
        await reader.readexactly(length)
    return status, len(head) + length


async def _connection(
    host: str, port: int, paths: list[str], offset: int, tally: Tally, budget: dict
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    requests = [
        f"GET {p} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: */*\r\n\r\n".encode() for p in paths
    ]
    i = offset
    try:
        while budget["left"] > 0 and time.perf_counter() < budget["until"]:
            budget["left"] -= 1
            tally.sent += 1
            started = time.perf_counter()
            writer.write(requests[i % len(requests)])
            i += 1
            try:
                status, size = await _read_response(reader)
            except (asyncio.IncompleteReadError, ConnectionError):
                tally.errors += 1
                return
            tally.latencies_s.append(time.perf_counter() - started)
            tally.statuses[status] += 1
            tally.bytes_read += size
            if not (200 <= status < 300 or status == 304):
                tally.errors += 1
    finally:
        writer.close()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def run(
    base_url: str, connections: int, requests: int, seconds: float, paths: list[str]
) -> dict:
    parts = urlsplit(base_url)
    host, port = parts.hostname or "localhost", parts.port or 80
    tally = Tally()
    started = time.perf_counter()
    budget = {"left": requests, "until": started + seconds}
    await asyncio.gather(
        *(_connection(host, port, paths, c, tally, budget) for c in range(connections))
    )
    elapsed = time.perf_counter() - started
    lat = tally.latencies_s or [0.0]
    return {
        "connections": connections,
        "requests": len(tally.latencies_s),
        "seconds": round(elapsed, 3),
        "requests_per_s": round(len(tally.latencies_s) / elapsed, 1),
        "p50_ms": round(statistics.median(lat) * 1000, 2),
        "p90_ms": round(percentile(lat, 0.90) * 1000, 2),
        "p99_ms": round(percentile(lat, 0.99) * 1000, 2),
        "max_ms": round(max(lat) * 1000, 2),
        "statuses": dict(sorted(tally.statuses.items())),
        "errors": tally.errors,
        "megabytes_read": round(tally.bytes_read / 1e6, 2),
        "paths": len(paths),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base_url", help="e.g. http://localhost:8501")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--requests", type=int, default=20_000, help="stop after N requests")
    parser.add_argument("--seconds", type=float, default=30.0, help="or after S seconds")
    parser.add_argument("--paths", help="comma-separated paths (default: every feed)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    base_url = args.base_url.rstrip("/")
    paths = args.paths.split(",") if args.paths else default_paths(base_url)
    result = asyncio.run(run(base_url, args.connections, args.requests, args.seconds, paths))
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"{result['requests']:,} requests over {result['connections']} kept-alive "
            f"connections in {result['seconds']} s: {result['requests_per_s']:,} req/s; "
            f"latency p50 {result['p50_ms']} ms, p90 {result['p90_ms']} ms, "
            f"p99 {result['p99_ms']} ms, max {result['max_ms']} ms; "
            f"statuses {result['statuses']}, errors {result['errors']}"
        )
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
