"""`chi serve`: start the dashboard (generating demo data into an empty data dir).

Before the server starts, the stored rollups are brought up to date (the explicit
step of dashboard/data/rollup), so the server's warm-up and pages only read; on a
read-only data dir it says so and serves what it computes in memory.

Before anything else it decides whether visitors must sign in
(dashboard/commands/serve_signin.py): the private app on an address other than
localhost is refused without sign-in unless --no-auth is given."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from dashboard.commands import serve_signin
from dashboard.commands.common import add_data_args, config_for, store_rollups
from dashboard.core import settings
from dashboard.data.rollup import facts
from dashboard.data.store import has_data

# A served app is not edited while it runs: no watching of the source files (after every
# script run Streamlit resolved the path of each of the ~3,000 imported modules) and no
# full garbage collection after each run (Python's own collector still runs). Together
# they were ~70% of the CPU of a board run (docs/BENCHMARKS.md, "serving").
SERVER_FLAGS = (
    "--server.fileWatcherType",
    "none",
    "--runner.postScriptGC",
    "false",
)

# Public mode takes no input but `?brand=`: no uploads (dashboard/web/guard.py refuses
# the endpoint too), client messages of at most 1 MB (widget state; the brand selector
# sends a few bytes), and no agent API (off by default; said explicitly here).
PUBLIC_FLAGS = (
    "--server.maxUploadSize",
    "0",
    "--server.maxWidgetStateSize",
    "1",
    "--server.enableAgentApi",
    "false",
)


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
        "--no-auth",
        action="store_true",
        help="serve the private app without sign-in, even on a shared address "
        "(anyone who reaches the port sees everything)",
    )
    parser.add_argument(
        "--demo-rows",
        type=int,
        default=1_000_000,
        help="size of the demo generated into an empty data dir",
    )
    parser.set_defaults(handler=serve)


def serve(args: argparse.Namespace) -> int:
    from dashboard.cli import UserError

    config_for(args)  # fail early, with one line, on a broken config file
    try:
        sign_in = serve_signin.plan(args)
    except ValueError as exc:
        raise UserError(str(exc)) from exc
    for note in sign_in.notes:
        print(note, file=sys.stderr)
    data_dir: Path = args.data
    # a dashboard host fed with copied rollups (docs/DATA.md, "Rollups only") has data
    if not has_data(data_dir) and not facts.rollups_only(data_dir):
        from dashboard.commands.demo import generate_with_progress

        print(
            f"No interaction data in {data_dir}: generating the demo data set first "
            f"(about {args.demo_rows:,} rows), then starting the dashboard…",
            file=sys.stderr,
        )
        generate_with_progress(
            data_dir,
            rows=args.demo_rows,
            seed=42,
            config_file=args.config,
            then="demo ready: starting the dashboard…",
        )
    else:
        print(store_rollups(data_dir, args.config), file=sys.stderr)
    env = settings.server_environment(
        data_dir, args.config, args.public, sign_in_required=sign_in.required
    )
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
        *SERVER_FLAGS,
        *(PUBLIC_FLAGS if args.public else ()),
    ]
    print(
        f"Customer Happiness Index on http://{args.host}:{args.port} "
        f"({_mode(args.public, sign_in.required)}, data: {data_dir})",
        file=sys.stderr,
    )
    try:
        return subprocess.call(command, env=env)
    except KeyboardInterrupt:
        return 0


def _mode(public: bool, sign_in: bool) -> str:
    if public:
        return "public mode"
    return "private mode, sign-in required" if sign_in else "private mode"
