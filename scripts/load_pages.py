"""Sessions against latency for a page of `chi serve` (docs/BENCHMARKS.md, "Serving").

    uv run python scripts/load_pages.py http://localhost:8501 [--page board]
        [--query brand=skyline-air] [--sessions 1,5,10,20] [--rounds 3] [--browser]

For each N of `--sessions`, N new sessions open at once and each runs the page once;
`--rounds` times. Without `--browser` a session is a websocket client
(scripts/streamlit_client.py: connect, one script run, script_finished), so the figure
is the server's alone. With `--browser` it is N Chromium pages (/usr/bin/chromium via
Playwright) opening the page at once, timed until the board's rows (`.chi-row`) or the
history chart (`.js-plotly-plot`) are in the DOM; the browsers share the machine's
CPUs with the server, so these figures include rendering.

Prints, per N, the median and the slowest session's time over all rounds, and the
script runs per second the server completed (N x rounds / wall time of the rounds).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from streamlit_client import script_run  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
READY_SELECTOR = ".chi-row, .js-plotly-plot"


async def _ws_round(base_url: str, page: str, query: str, sessions: int) -> list[float]:
    runs = await asyncio.gather(*(script_run(base_url, page, query) for _ in range(sessions)))
    bad = [r.status for r in runs if not r.ok]
    if bad:
        raise RuntimeError(f"script runs did not finish: {bad}")
    return [r.seconds for r in runs]


async def _browser_round(browser, url: str, sessions: int) -> list[float]:
    contexts = [await browser.new_context() for _ in range(sessions)]
    pages = [await c.new_page() for c in contexts]

    async def one(page) -> float:
        started = time.perf_counter()
        await page.goto(url)
        await page.wait_for_selector(READY_SELECTOR, timeout=120_000)
        return time.perf_counter() - started

    try:
        return list(await asyncio.gather(*(one(p) for p in pages)))
    finally:
        for context in contexts:
            await context.close()


async def measure(
    base_url: str, page: str, query: str, counts: list[int], rounds: int, browser: bool
) -> list[dict]:
    results = []
    launched = playwright = None
    if browser:
        from playwright.async_api import async_playwright

        playwright = await async_playwright().start()
        launched = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
    url = f"{base_url}/{page}" + (f"?{query}" if query else "")
    try:
        await (_browser_round(launched, url, 1) if browser else _ws_round(base_url, page, query, 1))
        for n in counts:
            times: list[float] = []
            started = time.perf_counter()
            for _ in range(rounds):
                if browser:
                    times += await _browser_round(launched, url, n)
                else:
                    times += await _ws_round(base_url, page, query, n)
            wall = time.perf_counter() - started
            results.append(
                {
                    "sessions": n,
                    "rounds": rounds,
                    "median_s": round(statistics.median(times), 3),
                    "max_s": round(max(times), 3),
                    "runs_per_s": round(n * rounds / wall, 1),
                }
            )
    finally:
        if launched is not None:
            await launched.close()
            await playwright.stop()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base_url")
    parser.add_argument("--page", default="board", help="url path of the page")
    parser.add_argument("--query", default="", help="query string, e.g. brand=skyline-air")
    parser.add_argument("--sessions", default="1,5,10,20")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--browser", action="store_true", help="Chromium pages, not websockets")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    counts = [int(n) for n in args.sessions.split(",")]
    results = asyncio.run(
        measure(args.base_url.rstrip("/"), args.page, args.query, counts, args.rounds, args.browser)
    )
    how = "Chromium pages" if args.browser else "websocket sessions"
    for row in results:
        if args.json:
            print(json.dumps(row))
        else:
            print(
                f"{row['sessions']:>3} {how} at once x {row['rounds']}: median "
                f"{row['median_s']} s, slowest {row['max_s']} s, {row['runs_per_s']} runs/s"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
