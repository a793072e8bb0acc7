"""`chi serve`: start the dashboard (generating demo data into an empty data dir)."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from dashboard.commands.common import add_data_args, config_for
from dashboard.data.store import has_data


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("serve", help="start the dashboard")
    add_data_args(parser)
    parser.add_argument("--port", type=int, default=8501)
    parser.add_argument(
        "--host", default="localhost", help="address to listen on (0.0.0.0 to serve others)"
    )
    parser.add_argument(
        "--public",
        action="store_true",
        help="public mode: only the public board pages, aggregates only",
    )
    parser.add_argument(
        "--demo-rows",
        type=int,
        default=1_000_000,
        help="size of the demo generated into an empty data dir",
    )
    parser.set_defaults(handler=serve)


def serve(args: argparse.Namespace) -> int:
    config_for(args)  # fail early, with one line, on a broken config file
    data_dir: Path = args.data
    if not has_data(data_dir):
        from dashboard.commands.demo import generate_with_progress

        print(
            f"No interaction data in {data_dir}: generating the demo data set "
            f"({args.demo_rows:,} rows) first…",
            file=sys.stderr,
        )
        generate_with_progress(data_dir, rows=args.demo_rows, seed=42)
    env = dict(os.environ, CHI_DATA=str(data_dir.resolve()), CHI_PUBLIC="1" if args.public else "")
    if args.config:
        env["CHI_CONFIG"] = str(args.config.resolve())
    server = Path(__file__).resolve().parent.parent / "server.py"
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(server),
        "--server.port",
        str(args.port),
        "--server.address",
        args.host,
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--client.toolbarMode",
        "minimal",
    ]
    print(
        f"Customer Happiness Index on http://{args.host}:{args.port} "
        f"({'public' if args.public else 'private'} mode, data: {data_dir})",
        file=sys.stderr,
    )
    try:
        return subprocess.call(command, env=env)
    except KeyboardInterrupt:
        return 0
