"""The rollups built by Apache Spark (`chi rollup --engine spark`): the same model, the
same files, the same manifest as the DuckDB engine (facts.py, daily.py), for raw logs
beyond one machine (docs/SCALE.md).

    <raw>/interactions/month=YYYY-MM/*.parquet            read (local or object storage)
    <out>/rollups/conversation_facts/month=YYYY-MM/part-<hash>.parquet
    <out>/rollups/daily/month=YYYY-MM/part-<hash>.parquet
    <out>/rollups/agent_daily/month=YYYY-MM/part-<hash>.parquet
    <out>/rollups/term_daily/month=YYYY-MM/part-<hash>.parquet      (every daily.DAILY_TABLES)
    <out>/rollups/_manifest.json

The rules are the model's SQL files, translated to Spark SQL at run time
(spark_sql.py). What this module adds is only the orchestration the DuckDB engine does
in facts.py and daily.py, step for step:

- staleness: the manifest's version (facts.version), raw fingerprints, newest times
  and the daily part's rules (daily.rules) are computed by the same functions, so a
  manifest written here is one the DuckDB engine accepts (a DuckDB refresh after a
  Spark build of local files rebuilds nothing), and the other way round;
- incremental: only the changed raw months' conversations are recomputed, from the
  whole log, and only the rollup months they touch are rewritten (facts.stage_changed);
  the daily months whose facts file or as-of verdicts changed are rebuilt (daily.state);
- publishing: each month's file is written by Spark into a staging folder, moved
  beside the published files under a new name, and the manifest naming them all is
  written last (facts.publish_manifest locally: one os.replace; one PUT on an object
  store). A build killed at any moment leaves the old rollups or the new.

pyspark is the optional extra `spark` (`uv sync --extra spark`); nothing here imports
it before a build starts.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import time
import uuid
from collections.abc import Iterator
from typing import Any

from dashboard.core.config import Config
from dashboard.core.schema import FUTURE_SLACK, INTERACTIONS, PLAUSIBLE_FROM
from dashboard.data import raw
from dashboard.data.rollup import Rebuilt, RefreshReport, daily, facts, spark_sql
from dashboard.data.rollup.spark_files import Entry, HadoopFiles, LocalFiles, files_for

DEFAULT_MASTER = "local[2]"
LOCAL_DRIVER_MEMORY = "2g"  # unless --conf spark.driver.memory=... says otherwise
# each step's time (`chi bench --engine spark` prints them; docs/BENCHMARKS.md)
log = logging.getLogger("chi.spark")


class SparkUnavailable(RuntimeError):
    """pyspark (the `spark` extra) or Java is missing (one line saying how to get it)."""


def session(
    master: str | None = None,
    shuffle_partitions: int | None = None,
    conf: dict[str, str] | None = None,
) -> Any:
    """A SparkSession for the rollup build: UTC session time (the model's instants and
    local days), Parquet timestamps as microseconds with UTC (what DuckDB writes and
    reads as TIMESTAMPTZ), no web UI, no downloads; `conf` adds or overrides settings
    (spark.jars for a storage connector, fs.s3a.* credentials: docs/SCALE.md)."""
    import warnings

    # pyspark 4.3 warns that it does not yet fully support pandas 3; the build never
    # hands data to pandas
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas")
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise SparkUnavailable(
            "the Spark engine needs the optional extra: "
            "pip install 'customer-happiness-index[spark]' (or uv sync --extra spark)"
        ) from exc
    import shutil

    if shutil.which("java") is None and not _java_home():
        raise SparkUnavailable(
            "the Spark engine needs Java 17 (apt-get install openjdk-17-jre-headless)"
        )
    master = master or DEFAULT_MASTER
    partitions = shuffle_partitions or (2 if master.startswith("local") else 8)
    builder = (
        SparkSession.builder.appName("chi rollup")
        .master(master)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", str(partitions))
        .config("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
        .config("spark.sql.parquet.compression.codec", "zstd")
        .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
        .config("spark.hadoop.mapreduce.fileoutputcommitter.marksuccessfuljobs", "false")
        .config("spark.driver.extraJavaOptions", "-Duser.timezone=UTC")
        .config("spark.executor.extraJavaOptions", "-Duser.timezone=UTC")
    )
    if master.startswith("local") and "spark.driver.memory" not in (conf or {}):
        # local mode runs the tasks in the driver's JVM, whose heap is fixed when it
        # starts (here: no JVM runs yet in this process); Spark's default of 1 GB
        # leaves little room for the persisted steps (they spill to disk beyond it)
        builder = builder.config("spark.driver.memory", LOCAL_DRIVER_MEMORY)
    for key, value in (conf or {}).items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def active() -> Any:
    """The SparkSession already running in this process, if any (a caller's own)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        return None
    return SparkSession.getActiveSession()


def _java_home() -> bool:
    import os

    home = os.environ.get("JAVA_HOME")
    return bool(home) and os.path.exists(os.path.join(home, "bin", "java"))


def refresh(
    spark: Any, raw_root: str, out_root: str, config: Config, full: bool = False
) -> RefreshReport:
    """Bring `<out_root>/rollups` up to date with `<raw_root>/interactions` (every month
    with `full`), as rollup.refresh does with DuckDB. A local `out_root` is locked by
    the caller (commands/rollup.py); on an object store one build at a time is the
    scheduler's job (docs/SCALE.md)."""
    source = files_for(raw_root, spark)
    out = files_for(out_root, spark)
    files = source.raw_months()
    old = facts.manifest_of(facts.parse_body(out.read_text(_manifest_uri(out))))
    if not files and old is None:
        return RefreshReport(_report_dir(out_root), ())
    current = {m: source.fingerprint(e) for m, e in files.items()}
    reason = _rebuild_reason(out, old, current)
    rebuild_all = full or bool(reason)
    changed = (
        sorted(current)
        if rebuild_all
        else sorted(m for m in current if old is None or old.raw.get(m) != current[m])
    )
    staging = out.uri(facts.ROLLUP_DIR, f".staging-{uuid.uuid4().hex}")
    try:
        started = time.perf_counter()
        written, removed, rows = {}, [], 0
        newest = {} if rebuild_all or old is None else dict(old.newest)
        if changed:
            _raw_view(spark, [e for m in sorted(files) for e in files[m]])
            newest.update(_newest(spark, files, changed))
            written, removed, rows = _facts(spark, out, staging, files, old, changed, rebuild_all)
        elif rebuild_all and old is not None:  # no raw month left: every month goes
            removed = sorted(old.months)
        stored_files = {} if rebuild_all or old is None else dict(old.files)
        stored_files.update(written)
        for month in removed:
            stored_files.pop(month, None)
        manifest = facts.Manifest(
            facts.version(),
            current,
            {m: newest.get(m, "") for m in current},
            sorted(stored_files),
            stored_files,
        )
        facts_s = time.perf_counter() - started
        started = time.perf_counter()
        raw_entries = [e for m in sorted(files) for e in files[m]]
        part, daily_months, daily_rows = _daily(
            spark, out, staging, config, manifest, full, raw_entries
        )
        if written or removed or part is not None:
            if part is None:
                part = facts.parse_body(out.read_text(_manifest_uri(out))).get("daily")
            out.publish_manifest(manifest, part)
        daily_s = time.perf_counter() - started
    finally:
        out.remove_tree(staging)
    return RefreshReport(
        _report_dir(out_root),
        (
            Rebuilt(facts.FACTS, tuple(sorted(written)), rows, facts_s, tuple(removed)),
            Rebuilt(daily.DAILY, tuple(daily_months), daily_rows, daily_s),
        ),
    )


@contextlib.contextmanager
def timed(what: str) -> Iterator[None]:
    """Log how long `what` took (logger chi.spark, INFO)."""
    started = time.perf_counter()
    try:
        yield
    finally:
        log.info("%s: %.1f s", what, time.perf_counter() - started)


@contextlib.contextmanager
def model_query(spark: Any, name: str, params: dict[str, str] | None = None) -> Iterator[Any]:
    """The model query `name` as a DataFrame, its CTEs run as steps
    (spark_sql.translate_steps, run_steps). Whatever the block does with the frame
    must be done inside it."""
    steps, final = spark_sql.translate_steps(name, params)
    with run_steps(spark, steps, final, name) as frame:
        yield frame


@contextlib.contextmanager
def run_steps(
    spark: Any, steps: tuple[spark_sql.Step, ...], final: str, name: str = "query"
) -> Iterator[Any]:
    """The final query of `steps` as a DataFrame: each step is registered as its view,
    and one read more than once is computed once, persisted (memory, then disk) and
    released when the block ends; the others stay views Spark inlines, as in the one
    query (docs/SCALE.md, "What the build costs")."""
    from pyspark import StorageLevel

    kept: list[Any] = []
    try:
        for step in steps:
            frame = spark.sql(step.sql)
            if step.reused:
                # computed by the first job that reads it, once (its readers in that
                # job wait for each block); profiling (DEBUG) computes it here, timed
                frame = frame.persist(StorageLevel.MEMORY_AND_DISK)
                kept.append(frame)
                if log.isEnabledFor(logging.DEBUG):
                    with timed(f"{name}: {step.view}"):
                        frame.count()
            frame.createOrReplaceTempView(step.view)
        yield spark.sql(final)
    finally:
        for step in steps:
            spark.catalog.dropTempView(step.view)
        for frame in kept:
            frame.unpersist()


def _report_dir(out_root: str) -> Any:
    from pathlib import Path

    return Path(out_root) if "://" not in out_root else out_root


def _manifest_uri(out: LocalFiles | HadoopFiles) -> str:
    return out.uri(facts.ROLLUP_DIR, facts.MANIFEST)


def _facts_uri(out: LocalFiles | HadoopFiles, month: str, name: str) -> str:
    return out.uri(facts.ROLLUP_DIR, facts.FACTS, f"month={month}", name)


def _rebuild_reason(
    out: LocalFiles | HadoopFiles, old: facts.Manifest | None, current: dict[str, str]
) -> str:
    """Why every month must be rebuilt (facts.state's reasons), "" when not."""
    if old is None:
        return "no stored rollups"
    if old.version != facts.version():
        return "the conversation rules changed"
    if set(old.raw) - set(current):
        return "raw months deleted"
    missing = [
        m
        for m in old.months
        if out.stat(_facts_uri(out, m, old.files.get(m, facts.LEGACY_FILE))) is None
    ]
    return "stored months missing" if missing else ""


# --- the raw log --------------------------------------------------------------------------


def _raw_view(spark: Any, entries: list[Entry]) -> None:
    """`raw`: every published raw file, with the contract's columns (one an older file
    lacks reads as null, as raw.create_table_view does)."""
    from pyspark.sql import functions as F

    frame = spark.read.option("mergeSchema", "true").parquet(*[e.path for e in entries])
    present = set(frame.columns)
    types = {f.name: _spark_type(f.type) for f in INTERACTIONS}
    columns = [
        F.col(f.name) if f.name in present else F.lit(None).cast(types[f.name]).alias(f.name)
        for f in INTERACTIONS
    ]
    frame.select(*columns).createOrReplaceTempView("raw")


def _spark_type(arrow_type: Any) -> str:
    import pyarrow as pa

    return {
        pa.bool_(): "boolean",
        pa.string(): "string",
        pa.int64(): "bigint",
        pa.int8(): "tinyint",
        pa.float64(): "double",
    }.get(arrow_type, "timestamp")


def _newest(spark: Any, files: dict[str, list[Entry]], months: list[str]) -> dict[str, str]:
    """Each raw month's newest plausible created_at (raw.newest_created_at's rule), in
    one job over the changed months' files."""
    from pyspark.sql import functions as F

    latest = dt.datetime.now(dt.UTC) + FUTURE_SLACK
    start = dt.datetime.combine(PLAUSIBLE_FROM, dt.time(), dt.UTC)
    micros = F.unix_micros(F.col("created_at"))
    frames = [
        spark.read.parquet(*[e.path for e in files[m]])
        .select("created_at")
        .withColumn("month", F.lit(m))
        for m in months
    ]
    found = (
        _union(frames)
        .where((micros >= _micros(start)) & (micros <= _micros(latest)))
        .groupBy("month")
        .agg(F.max(micros).alias("us"))
        .collect()
    )
    values = {r["month"]: r["us"] for r in found}
    return {
        m: raw.from_epoch_us(values[m]).isoformat() if values.get(m) is not None else ""
        for m in months
    }


def _union(frames: list[Any]) -> Any:
    first = frames[0]
    for frame in frames[1:]:
        first = first.unionByName(frame)
    return first


def _micros(moment: dt.datetime) -> int:
    return (moment - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) // dt.timedelta(microseconds=1)


# --- the conversation facts ---------------------------------------------------------------

_MONTH = "date_format(first_inbound_at, 'yyyy-MM')"  # facts.MONTH, with the session in UTC


@contextlib.contextmanager
def _fresh_facts(spark: Any) -> Iterator[Any]:
    """The facts query over the view `interactions`, with each row's rollup month."""
    with model_query(spark, "conversation_facts") as frame:
        yield frame.selectExpr("*", f"{_MONTH} as month")


def _facts(
    spark: Any,
    out: LocalFiles | HadoopFiles,
    staging: str,
    files: dict[str, list[Entry]],
    old: facts.Manifest | None,
    changed: list[str],
    rebuild_all: bool,
) -> tuple[dict[str, str], list[str], int]:
    """Write the rollup months to rewrite; their file names, the months removed, rows."""
    with contextlib.ExitStack() as stack:
        return _write_facts(spark, out, staging, files, old, changed, rebuild_all, stack)


def _write_facts(
    spark: Any,
    out: LocalFiles | HadoopFiles,
    staging: str,
    files: dict[str, list[Entry]],
    old: facts.Manifest | None,
    changed: list[str],
    rebuild_all: bool,
    stack: contextlib.ExitStack,
) -> tuple[dict[str, str], list[str], int]:
    from pyspark.sql import functions as F

    keys = ["brand", "conversation_id"]
    if rebuild_all or old is None or not old.months:
        spark.table("raw").createOrReplaceTempView("interactions")
        rows = stack.enter_context(_fresh_facts(spark))
        before = set(old.months) if old is not None else set()
    else:
        # facts.stage_changed, on Spark: the conversations with a message in a changed
        # raw month, and the stored ones whose messages span a changed month
        changed_paths = [e.path for m in changed for e in files[m]]
        stored = _stored_facts(spark, out, old)
        spans = F.lit(False)
        for month in changed:
            first = F.date_format("first_inbound_at", "yyyy-MM")
            last = F.date_format("last_message_at", "yyyy-MM")
            spans = spans | ((F.lit(month) >= first) & (F.lit(month) <= last))
        # each read three times below: computed once
        touched = (
            spark.read.parquet(*changed_paths)
            .select(*keys)
            .unionByName(stored.where(spans).select(*keys))
            .distinct()
            .cache()
        )
        stack.callback(touched.unpersist)
        spark.table("raw").join(touched, keys, "left_semi").createOrReplaceTempView("interactions")
        fresh = stack.enter_context(_fresh_facts(spark)).cache()
        stack.callback(fresh.unpersist)
        with timed("conversation facts: touched conversations"):
            months = (
                stored.join(touched, keys, "left_semi")
                .select("month")
                .unionByName(fresh.select("month"))
                .distinct()
            )
            before = {r["month"] for r in months.collect()}
        rows = stored.join(touched, keys, "left_anti").where(F.col("month").isin(sorted(before)))
        rows = rows.unionByName(fresh)
    target = f"{staging}/{facts.FACTS}"
    with timed("conversation facts: computed and written"):
        (
            rows.repartition("month")
            .sortWithinPartitions("month", *facts.SORT.split(", "))
            .write.partitionBy("month")
            .parquet(target)
        )
    # the rows per month, from the written files' footers (the facts are not computed
    # twice, nor held in memory to count them; the schema given: none is inferred
    # from a folder without files)
    per_month = (
        spark.read.schema(rows.schema)
        .option("basePath", target)
        .parquet(target)
        .groupBy("month")
        .count()
        .collect()
    )
    counts = {r["month"]: r["count"] for r in per_month}
    written = {}
    for month in sorted(counts):
        (one,) = out.files_in(f"{target}/month={month}")
        name = out.content_name(one)
        out.move(one, _facts_uri(out, month, name))
        written[month] = name
    removed = sorted(before - set(counts))
    return written, removed, sum(counts.values())


def _stored_facts(spark: Any, out: LocalFiles | HadoopFiles, old: facts.Manifest) -> Any:
    """The published facts rows with their `month` (from each file's folder)."""
    from pyspark.sql import functions as F

    frames = [
        spark.read.parquet(_facts_uri(out, m, old.files.get(m, facts.LEGACY_FILE))).withColumn(
            "month", F.lit(m)
        )
        for m in old.months
    ]
    return _union(frames)


# --- the daily sums -----------------------------------------------------------------------


def _daily(
    spark: Any,
    out: LocalFiles | HadoopFiles,
    staging: str,
    config: Config,
    manifest: facts.Manifest,
    full: bool,
    raw_entries: list[Entry],
) -> tuple[dict | None, list[str], int]:
    """daily.refresh on Spark: the daily months that are stale for the facts `manifest`
    (all with `full`), each built from its facts month file with the config's targets
    and the as-of time. Returns the manifest's new "daily" part (None: unchanged)."""
    as_of = manifest.as_of
    rule = daily.rules(config)
    body = facts.parse_body(out.read_text(_manifest_uri(out))).get("daily") or {}
    try:
        built = {m: daily.built_month(v) for m, v in (body.get("months") or {}).items()}
    except TypeError:
        built = {}
    if body.get("rules") != rule:
        built = {}
    kept, stale = {}, []
    for month in manifest.months:
        entry = out.stat(_facts_uri(out, month, manifest.files[month]))
        source = out.fingerprint([entry]) if entry is not None else ""
        mine = built.get(month)
        current = (
            not full
            and as_of is not None
            and daily.is_current(mine, source, as_of)
            and all(
                mine.name(t) and out.stat(_daily_uri(out, month, t, mine.name(t)))
                for t in daily.DAILY_TABLES
            )
        )
        if current:
            kept[month] = mine
        else:
            stale.append((month, source))
    rows = 0
    if stale:
        _config_views(spark, config, as_of)
        built_now, rows = _daily_months(spark, out, staging, config, manifest, stale, raw_entries)
        kept.update(built_now)
    changed = bool(stale) or body.get("rules") != rule or set(built) != set(kept)
    part = {"rules": rule, "months": {m: vars(b) for m, b in sorted(kept.items())}}
    return (part if changed else None), [m for m, _ in stale], rows


def _daily_uri(out: LocalFiles | HadoopFiles, month: str, table: str, name: str) -> str:
    return out.uri(facts.ROLLUP_DIR, daily.DAILY_TABLES[table][0], f"month={month}", name)


def _config_views(spark: Any, config: Config, as_of: dt.datetime | None) -> None:
    """The config tables raw.raw_connection makes (spark_sql.config_tables: the same
    rows and types, whichever tables that is) and data_as_of, as raw.set_as_of."""
    for name, query in spark_sql.config_tables(config).items():
        spark.sql(query).createOrReplaceTempView(name)
    micros = "null" if as_of is None else str(_micros(as_of))
    spark.sql(f"select timestamp_micros({micros}) as as_of").createOrReplaceTempView("data_as_of")


def _daily_months(
    spark: Any,
    out: LocalFiles | HadoopFiles,
    staging: str,
    config: Config,
    manifest: facts.Manifest,
    stale: list[tuple[str, str]],
    raw_entries: list[Entry],
) -> tuple[dict[str, daily.BuiltMonth], int]:
    """Write the daily months `stale` ((month, facts file fingerprint) pairs) of every
    table of daily.DAILY_TABLES.

    DuckDB builds a daily month from its facts file alone (daily._write_month), so a
    local day cut from two facts months is two rows, one in each month's file. Here a
    table that reads only the conversations runs for all months in one Spark job, each
    conversation's brand tagged with its facts month (`YYYY-MM` + brand): every
    grouping and join of such a query has brand among its keys, so the groups are
    exactly those of the month-by-month build, and the tag is split off again before
    writing. A table that also reads the raw messages (the topics' term counts: they
    join messages to conversations and tokenise the brand's own name) runs month by
    month as DuckDB does, on the raw rows of that month's conversations (one semi-join,
    cached, for all months). tests/test_spark_engine.py checks the rows."""
    from pyspark.sql import functions as F

    months = [m for m, _ in stale]
    frames = [
        spark.read.parquet(_facts_uri(out, m, manifest.files[m])).withColumn(
            "brand", F.concat(F.lit(m), F.col("brand"))
        )
        for m in months
    ]
    tagged = _union(frames).cache()
    tagged.createOrReplaceTempView("conversation_facts")
    with timed("daily: facts read"):
        newest = {
            r["month"]: r["us"]
            for r in tagged.groupBy(F.substring("brand", 1, 7).alias("month"))
            .agg(F.max(F.unix_micros("last_message_at")).alias("us"))
            .collect()
        }
    params = {"tz": config.display_time_zone}
    names: dict[str, dict[str, str]] = {table: {} for table in daily.DAILY_TABLES}
    counts: dict[str, int] = {}
    by_month = [t for t in daily.DAILY_TABLES if spark_sql.reads(t, "interactions")]
    with _conversations(spark):
        for table, (folder, order) in daily.DAILY_TABLES.items():
            if table in by_month:
                continue
            with timed(f"daily: {table}"), model_query(spark, table, params) as frame:
                columns = [
                    F.expr("substring(brand, 8)").alias("brand") if c == "brand" else F.col(c)
                    for c in frame.columns
                ]
                month_of = F.substring("brand", 1, 7).alias("month")
                split = frame.select(*columns, month_of).cache()
                if table == "daily_sums":
                    counts = {
                        r["month"]: r["n"]
                        for r in split.groupBy("month")
                        .count()
                        .withColumnRenamed("count", "n")
                        .collect()
                    }
                target = f"{staging}/{folder}"
                (
                    split.repartition("month")
                    .sortWithinPartitions("month", *_order(order))
                    .write.partitionBy("month")
                    .parquet(target)
                )
                for month in months:
                    names[table][month] = _publish_one(
                        out, staging, table, month, f"{target}/month={month}", split.drop("month")
                    )
                split.unpersist()
    if by_month:
        _by_month(spark, out, staging, tagged, raw_entries, months, by_month, params, names)
    tagged.unpersist()
    assert manifest.as_of is not None
    horizon = manifest.as_of - dt.timedelta(seconds=daily.longest_target_s(config))
    built = {}
    for month, source in stale:
        newest_us = newest.get(month)
        built[month] = daily.BuiltMonth(
            source,
            manifest.as_of.isoformat(),
            newest_us is None or raw.from_epoch_us(newest_us) < horizon,
            names["daily_sums"][month],
            {table: names[table][month] for table in daily.DAILY_TABLES},
        )
    return built, sum(counts.values())


@contextlib.contextmanager
def _conversations(spark: Any) -> Iterator[None]:
    """The view `conversations` (queries/model/conversations.sql over the view
    `conversation_facts`), computed once: every daily table reads it."""
    with model_query(spark, "conversations") as frame:
        frame = frame.cache()
        try:
            with timed("daily: conversations"):
                frame.count()
            frame.createOrReplaceTempView("conversations")
            yield
        finally:
            frame.unpersist()


def _by_month(
    spark: Any,
    out: LocalFiles | HadoopFiles,
    staging: str,
    tagged: Any,
    raw_entries: list[Entry],
    months: list[str],
    tables: list[str],
    params: dict[str, str],
    names: dict[str, dict[str, str]],
) -> None:
    """The daily tables that read the raw messages, one facts month at a time: the
    views `conversation_facts`, `conversations` and `interactions` (the raw rows of
    that month's conversations) are that month's, as on DuckDB's connection."""
    from pyspark.sql import functions as F

    _raw_view(spark, raw_entries)
    raw_rows = spark.table("raw")
    month_of = F.substring("brand", 1, 7)
    keys = tagged.select(
        month_of.alias("_facts_month"),
        F.expr("substring(brand, 8)").alias("brand"),
        "conversation_id",
    )
    subset = (
        raw_rows.join(keys, ["brand", "conversation_id"], "inner")
        .select(*raw_rows.columns, "_facts_month")
        .cache()
    )
    for month in months:
        month_facts = tagged.where(month_of == month).withColumn(
            "brand", F.expr("substring(brand, 8)")
        )
        month_facts.createOrReplaceTempView("conversation_facts")
        rows = subset.where(F.col("_facts_month") == month).drop("_facts_month")
        rows.createOrReplaceTempView("interactions")
        with model_query(spark, "conversations") as conversations:
            conversations.createOrReplaceTempView("conversations")
            for table in tables:
                folder, order = daily.DAILY_TABLES[table]
                target = f"{staging}/{folder}/month={month}"
                with timed(f"daily: {table} {month}"), model_query(spark, table, params) as frame:
                    frame.coalesce(1).sortWithinPartitions(*_order(order)).write.parquet(target)
                    names[table][month] = _publish_one(out, staging, table, month, target, frame)
    subset.unpersist()


def _publish_one(
    out: LocalFiles | HadoopFiles, staging: str, table: str, month: str, target: str, rows: Any
) -> str:
    """Move a daily month's one staged file beside the published ones under its content
    name (a month without rows gets a file without rows, as DuckDB writes)."""
    staged = out.files_in(target)
    if not staged:
        empty = f"{staging}/empty/{daily.DAILY_TABLES[table][0]}/month={month}"
        rows.limit(0).coalesce(1).write.parquet(empty)
        staged = out.files_in(empty)
    (one,) = staged
    name = out.content_name(one)
    out.move(one, _daily_uri(out, month, table, name))
    return name


def _order(order: str) -> list[Any]:
    """DuckDB's `order by` keys (nulls last unless `nulls first`) as Spark columns."""
    from pyspark.sql import functions as F

    columns = []
    for term in (t.strip() for t in order.split(",")):
        name, _, nulls = term.partition(" ")
        column = F.col(name)
        columns.append(
            column.asc_nulls_first() if nulls == "nulls first" else column.asc_nulls_last()
        )
    return columns
