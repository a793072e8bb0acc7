"""`chi rollup`: build or refresh the stored rollups (docs/DATA.md, "On disk").

Rebuilds only what is stale (new or changed raw months, a changed configuration or
rule), or everything with --full, and says what it rebuilt: months, rows and seconds
per rollup, or "up to date". Reading (`chi report`, the app) never writes them.

`--engine spark` runs the same model on Apache Spark (dashboard/data/rollup/
spark_engine.py, docs/SCALE.md): `--master` (default local[2]), `--raw URI` (the folder
holding `interactions/`, default the data dir) and `--out URI` (the folder in which
`rollups/` is written, default the data dir) may be local paths or s3a://, gs://,
abfss:// URIs. A local output folder is locked like every writer's data dir.
"""

from __future__ import annotations

import argparse

from dashboard.commands.common import add_data_args, add_no_wait_arg, config_for, first_line
from dashboard.core.config import Config
from dashboard.data import store
from dashboard.data.rollup import RefreshReport, facts


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "rollup",
        help="build or refresh the stored rollups the pages read",
        description="Store the rollups of the data dir (one row per conversation, daily "
        "sums), rebuilding only the months that are stale.",
    )
    add_data_args(parser)
    add_no_wait_arg(parser)
    parser.add_argument("--full", action="store_true", help="rebuild every month")
    parser.add_argument(
        "--engine",
        choices=("duckdb", "spark"),
        default="duckdb",
        help="duckdb (default: in this process) or spark (needs the `spark` extra and Java)",
    )
    parser.add_argument(
        "--master",
        default=None,
        help="Spark master URL (e.g. spark://host:7077, yarn, local[4]; default local[2])",
    )
    parser.add_argument(
        "--raw",
        default=None,
        help="Spark: the folder or URI holding interactions/month=YYYY-MM/ (default --data)",
    )
    parser.add_argument(
        "--out",
        default=None,
        help="Spark: the folder or URI in which rollups/ is written (default --data)",
    )
    parser.add_argument(
        "--conf",
        action="append",
        default=[],
        type=_setting,
        metavar="KEY=VALUE",
        help="Spark: a Spark setting (repeatable), e.g. spark.executor.memory=4g or "
        "spark.hadoop.fs.s3a.endpoint=...",
    )
    parser.set_defaults(handler=run)


def _setting(text: str) -> str:
    if "=" not in text or not text.split("=", 1)[0]:
        raise argparse.ArgumentTypeError(f"not KEY=VALUE: {text!r}")
    return text


def run(args: argparse.Namespace) -> int:
    import duckdb

    from dashboard.cli import UserError
    from dashboard.data import rollup

    config = config_for(args)
    if args.engine == "spark":
        report = run_spark(args, config)
        print("\n".join(report.lines()))
        return 0
    if args.master or args.raw or args.out or args.conf:
        raise UserError("--master, --raw, --out and --conf need --engine spark")
    try:
        report = rollup.refresh(args.data, config, full=args.full, wait=args.wait)
    except rollup.RollupError as exc:
        raise UserError(str(exc)) from exc
    except duckdb.Error as exc:  # e.g. an unreadable Parquet file in the raw log
        raise UserError(f"cannot build the rollups of {args.data}: {first_line(exc)}") from exc
    print("\n".join(report.lines()))
    return 0


def run_spark(args: argparse.Namespace, config: Config) -> RefreshReport:
    """`chi rollup --engine spark`: the Spark build under the output's writer lock when
    the output is a local folder."""
    from dashboard.cli import UserError
    from dashboard.data import lock, rollup
    from dashboard.data.rollup import spark_engine, spark_files

    raw = args.raw or str(args.data)
    out = args.out or str(args.data)
    if spark_files.is_local(raw) and not spark_files.local_path(raw).is_dir():
        raise UserError(f"no data directory {raw}")
    conf = dict(item.split("=", 1) for item in args.conf)
    mine = spark_engine.active() is None  # a caller's session (the tests') stays open
    try:
        spark = spark_engine.session(args.master, conf=conf)
    except spark_engine.SparkUnavailable as exc:
        raise UserError(str(exc)) from exc
    try:
        if not spark_files.is_local(out):
            return spark_engine.refresh(spark, raw, out, config, full=args.full)
        folder = spark_files.local_path(out)
        with lock.writer_lock(folder, "chi rollup --engine spark", wait=args.wait):
            store.sweep(folder)  # what a killed writer left (facts.py, "Publishing")
            facts.sweep(folder)
            return spark_engine.refresh(spark, raw, out, config, full=args.full)
    except lock.LockBusy as exc:
        raise UserError(str(exc)) from exc
    except (OSError, rollup.RollupError) as exc:
        raise UserError(f"cannot build the rollups with Spark: {first_line(exc)}") from exc
    except Exception as exc:  # a Spark failure (an unreadable file, a lost cluster)
        if type(exc).__module__.startswith(("pyspark", "py4j")):
            raise UserError(f"the Spark build failed: {first_line(exc)}") from exc
        raise
    finally:
        if mine:
            spark.stop()
