"""`chi bench`: time the rollup build and every page's queries (see dashboard/bench.py)."""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import sys
from pathlib import Path

import duckdb
from rich.console import Console
from rich.table import Table

from dashboard.bench import browser as bench_browser
from dashboard.bench import runner as bench
from dashboard.bench.peers import PEERS, PeerTiming
from dashboard.commands.common import config_for, positive_count
from dashboard.core.config import Config
from dashboard.demo.generator import DEFAULT_SEED

TARGETS_MS = {10_000_000: 150.0, 100_000_000: 300.0}  # docs: DESIGN.md, performance


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "bench",
        help="measure rollup build, page query times and memory at N rows",
        description="Generate (or reuse) demo data of N rows, then time the rollup build, "
        "each page's queries cold and warm, peak memory, and every page's default "
        "figures computed by three peers from the raw Parquet (pandas, Polars lazy, "
        "DuckDB without rollups), checked to be the same numbers.",
    )
    parser.add_argument(
        "--rows",
        type=positive_count,
        default=1_000_000,
        help="demo rows (default 1_000_000; 1e7 works)",
    )
    parser.add_argument(
        "--data",
        type=Path,
        default=None,
        help="data dir to use (default data/bench-<rows>); demo data is "
        "generated there unless it already holds interactions",
    )
    parser.add_argument("--config", type=Path, default=None, help="configuration TOML")
    parser.add_argument(
        "--runs",
        type=int,
        default=bench.WARM_RUNS,
        help=f"warm runs per page, median reported (default {bench.WARM_RUNS})",
    )
    parser.add_argument(
        "--no-peers",
        action="store_true",
        help="skip the peers (pandas, Polars and DuckDB over the raw Parquet)",
    )
    parser.add_argument(
        "--peers",
        type=_peer_names,
        default=PEERS,
        metavar="NAMES",
        help=f"the peers to run, comma-separated (default {','.join(PEERS)}; at 10M pandas "
        "and Polars take minutes a page)",
    )
    parser.add_argument(
        "--cli-runs",
        type=int,
        default=3,
        help="fresh-process runs of chi --help and each chi report, median reported "
        "(default 3; 0 skips them)",
    )
    parser.add_argument(
        "--keep-rollups",
        action="store_true",
        help="reuse the stored rollups instead of timing a full rebuild "
        "(e.g. at 100M rows, where the build takes tens of minutes)",
    )
    parser.add_argument(
        "--browser",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="also time the overview's first render in headless Chromium "
        "(default: on when /usr/bin/chromium exists)",
    )
    parser.add_argument(
        "--append",
        type=Path,
        nargs="?",
        const=Path("docs/BENCHMARKS.md"),
        default=None,
        help="append the table to this Markdown file (default docs/BENCHMARKS.md)",
    )
    parser.add_argument(
        "--engine",
        choices=("duckdb", "spark"),
        default="duckdb",
        help="spark: time only the rollup build (full and one-month refresh) on DuckDB, "
        "Spark local[2] and a two-worker standalone cluster (dashboard/bench/spark.py)",
    )
    parser.add_argument(
        "--master",
        action="append",
        default=None,
        help="with --engine spark: a Spark master to time (repeatable; 'cluster' starts "
        "a two-worker standalone cluster on 127.0.0.1; default local[2] and cluster)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    data_dir = args.data or Path("data") / f"bench-{args.rows}"
    args.data = data_dir
    config = config_for(args)
    # piped into a log: wide enough that the table's rows stay one line each
    console = Console(width=None if sys.stdout.isatty() else 220)
    with console.status(f"demo data in {data_dir} …"):
        generated = bench.ensure_data(data_dir, args.rows, DEFAULT_SEED)
    if args.engine == "spark":
        return _run_spark(args, config, console)
    with console.status("measuring …"):
        result = bench.measure(
            data_dir,
            config,
            max(1, args.runs),
            not args.no_peers,
            rebuild=not args.keep_rollups,
            cli_runs=args.cli_runs,
            peers=args.peers,
        )
    result.generated_s = generated
    _browser(args, console, result)
    console.print(table(result))
    for line in peer_notes(result):
        console.print(line)
    if args.append:
        with args.append.open("a", encoding="utf-8") as out:
            out.write(markdown(result))
        console.print(f"appended to {args.append}")
    return 0


def _run_spark(args: argparse.Namespace, config: Config, console: Console) -> int:
    from dashboard.bench import spark as bench_spark
    from dashboard.cli import UserError
    from dashboard.data.rollup import spark_engine

    if spark_engine.active() is None and not _spark_ready():
        raise UserError("--engine spark needs the `spark` extra and Java 17 (docs/SCALE.md)")
    masters = tuple(args.master or ("local[2]", "cluster"))
    rows = bench.count_rows(args.data)
    when = f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC"

    def put(text: str) -> None:  # each part as soon as it is known (a long run may stop)
        console.print(text, end="", markup=False, highlight=False)
        if args.append:
            with args.append.open("a", encoding="utf-8") as out:
                out.write(text)

    put(bench_spark.header(rows, bench.machine(), when))
    with console.status("timing the rollup build on each engine …"):
        timings = bench_spark.measure(
            args.data, config, masters, on_row=lambda t: put(bench_spark.row(t))
        )
    put(bench_spark.steps(timings))
    if args.append:
        console.print(f"appended to {args.append}")
    return 0


def _spark_ready() -> bool:
    import importlib.util
    import shutil

    return importlib.util.find_spec("pyspark") is not None and shutil.which("java") is not None


def _browser(args: argparse.Namespace, console: Console, result: bench.Result) -> None:
    """Fill result.browser_* with the overview's first render (dashboard/bench/browser.py)."""
    wanted = args.browser if args.browser is not None else bench_browser.CHROMIUM.exists()
    if not wanted:
        return
    if problem := bench_browser.unavailable():
        console.print(f"skipped the browser timing: {problem}")
        return
    try:
        with console.status("overview first render in Chromium …"):
            timing = bench_browser.measure_first_render(args.data, args.config)
    except bench_browser.RenderError as exc:  # the other figures still stand
        console.print(f"browser timing failed: {exc}")
        return
    result.browser_s, result.browser_cold_s = timing.warm_s, timing.cold_s
    result.browser_repeat_s = timing.repeat_s
    with console.status("each view's first chart in Chromium …"):
        result.first_charts, result.hoverable_charts = bench_browser.first_chart_seconds(
            args.data, *result.days, config_path=args.config
        )


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f} ms" if value >= 10 else f"{value:.1f} ms"


def _ratio(a: float | None, b: float | None) -> str:
    return "—" if a is None or b is None or b == 0 else f"{a / b:,.1f}×"


def target_ms(rows: int) -> float | None:
    """The warm page target for this size (150 ms up to 10M, 300 ms up to 100M)."""
    for size, target in sorted(TARGETS_MS.items()):
        if rows <= size * 1.1:
            return target
    return None


def rows_of(result: bench.Result) -> list[list[str]]:
    target = target_ms(result.rows)
    build = "kept (--keep-rollups)" if result.build_s is None else f"{result.build_s:,.2f} s"
    blank = [""] * (len(HEADER) - 2)
    lines = [
        ["rollup build (full)", build, *blank],
        ["rollup refresh (1 month)", f"{result.incremental_s:,.2f} s", *blank],
        ["load rollup (connect)", f"{result.load_s:,.2f} s", *blank],
    ]
    peers = {p.page: p for p in result.peers}
    for page in result.pages:
        met = (
            ""
            if target is None
            else ("met" if page.warm_ms <= target else f"missed by {page.warm_ms - target:,.0f} ms")
        )
        peer = peers.get(page.page)
        lines.append(
            [
                f"page {page.page}",
                f"{_ms(page.cold_ms)} cold / {_ms(page.warm_ms)} warm "
                f"(slowest call {_ms(page.slowest_ms)})",
                *(_peer_cell(peer, kind) for kind in PEERS),
                _best_ratio(peer, page.warm_ms),
                _ratio(page.warm_ms, result.floor_ms),
                met,
            ]
        )
    for page in result.heavy:
        met = "" if target is None else ("met" if page.warm_ms <= target else "missed")
        lines.append(
            [
                f"page {page.page}, heaviest filter",
                f"{_ms(page.cold_ms)} cold / {_ms(page.warm_ms)} warm",
                *blank[:-1],
                met,
            ]
        )
    lines += [line[:-1] + ["", ""] + line[-1:] for line in bench_browser.table_rows(result)]
    for label, seconds in result.first_charts.items():
        limit = bench_browser.FIRST_CHART_TARGET_S
        if isinstance(seconds, str):
            lines.append([f"first chart: {label}", seconds, *blank[:-1], "missed"])
            continue
        met = "met" if seconds <= limit else "missed"
        lines.append(
            [f"first chart: {label}", f"{seconds:.2f} s", *blank[:-1], f"{met} (≤ {limit} s)"]
        )
    for label, seconds in result.hoverable_charts.items():
        lines.append([f"chart hoverable: {label}", f"{seconds:.2f} s", *blank])
    bare = result.cli.get("python -c pass")
    for label, seconds in result.cli.items():
        if label == "python -c pass":
            lines.append([label, f"{seconds:.2f} s", *blank])
            continue
        # targets: --help within 0.3 s of a bare Python, a report within 1 s (issue 19)
        limit = (bare or 0) + 0.3 if label == "chi --help" else 1.0
        lines.append(
            [label, f"{seconds:.2f} s", *blank[:-1], "met" if seconds <= limit else "missed"]
        )
    lines.append(["raw scan floor (DuckDB)", _ms(result.floor_ms), *blank])
    peak = {k: max((p.peak_mb.get(k, 0.0) for p in result.peers), default=0.0) for k in PEERS}
    lines.append(
        [
            "peak memory",
            f"{result.peak_mb:,.0f} MB",
            *(f"{peak[k]:,.0f} MB" if peak[k] else "—" for k in PEERS),
            "",
            "",
            "met" if result.peak_mb <= 2048 else "missed",
        ]
    )
    return lines


def _peer_names(text: str) -> tuple[str, ...]:
    names = tuple(name.strip() for name in text.split(",") if name.strip())
    unknown = [name for name in names if name not in PEERS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown peer {', '.join(unknown) or '(none)'}: choose from {', '.join(PEERS)}"
        )
    return names


def _peer_cell(peer: PeerTiming | None, kind: str) -> str:
    if peer is None:
        return "—"
    if kind not in peer.ms:
        return "not run (--peers)"
    wrong = peer.disagreements.get(kind)
    # a time is only comparable when the peer computed the same numbers
    return _ms(peer.ms[kind]) + (f" (differs: {wrong[0]})" if wrong else "")


def _best_ratio(peer: PeerTiming | None, chi_ms: float) -> str:
    if peer is None:
        return "—"
    agreeing = [ms for kind, ms in peer.ms.items() if not peer.disagreements.get(kind)]
    return _ratio(min(agreeing), chi_ms) if agreeing else "—"


HEADER = [
    "measure",
    "chi",
    "pandas",
    "Polars",
    "DuckDB raw",
    "best peer / chi",
    "chi / floor",
    "target",
]


def peer_notes(result: bench.Result) -> list[str]:
    """Below the table: whether each peer computed the product's numbers."""
    if not result.peers:
        return []
    wrong = [
        f"- {p.page}, {kind}: {'; '.join(found[:3])}"
        for p in result.peers
        for kind, found in p.disagreements.items()
        if found
    ]
    if not wrong:
        return ["\nEvery peer computed the same figures as chi on every page (figures.py)."]
    return ["\nPeers whose figures differ from chi's (their times are not comparable):", *wrong]


def table(result: bench.Result) -> Table:
    out = Table(
        title=f"chi bench: {result.rows:,} interactions, "
        f"{result.conversations:,} conversations ({result.data_dir})"
    )
    for name in HEADER:
        out.add_column(name, justify="left" if name == "measure" else "right")
    for line in rows_of(result):
        out.add_row(*line)
    return out


def markdown(result: bench.Result) -> str:
    try:
        version = importlib.metadata.version("customer-happiness-index")
    except importlib.metadata.PackageNotFoundError:
        version = "unknown"
    lines = [
        f"\n### {result.rows:,} interactions ({result.conversations:,} conversations)\n",
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC · {bench.machine()} · "
        f"chi {version} · DuckDB {duckdb.__version__}\n",
        "| " + " | ".join(HEADER) + " |",
        "|" + "---|" * len(HEADER),
    ]
    lines += ["| " + " | ".join(cell or "" for cell in line) + " |" for line in rows_of(result)]
    if result.generated_s is not None:
        lines.append(f"\nDemo data generated in {result.generated_s:,.1f} s.")
    lines += peer_notes(result)
    return "\n".join(lines) + "\n"
