"""Where the Spark engine (spark_engine.py) reads and writes: a local folder or an
object-storage URI (s3a://, gs://, abfss://, hdfs://...), behind one small interface.

- `LocalFiles`: plain paths (or file:// URIs), with the DuckDB engine's own rules: a
  raw month's fingerprint from os.stat (name, size, mtime in ns: facts.fingerprint),
  so the DuckDB engine finds a Spark build fresh and the other way round; the raw
  files are store.parquet_files (never a writer's staged ones).
- `HadoopFiles`: any URI Spark's Hadoop FileSystem opens (docs/SCALE.md says which
  connector each scheme needs), through the JVM of the SparkSession. A raw month's
  fingerprint is made the same way from the FileSystem's listing (its times are in
  milliseconds, so it is not comparable with a local one: a deployment builds a bucket
  with one engine). Object stores have no rename; a written file is moved by copy.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dashboard.data import store
from dashboard.data.rollup import facts


@dataclass(frozen=True)
class Entry:
    path: str  # as Spark reads it
    name: str
    size: int
    mtime_ns: int


def is_local(uri: str) -> bool:
    return "://" not in uri or uri.startswith("file://")


def local_path(uri: str) -> Path:
    return Path(uri.removeprefix("file://"))


class LocalFiles:
    """A local data dir root (`<root>/interactions`, `<root>/rollups`)."""

    def __init__(self, root: str) -> None:
        self.root = local_path(root).resolve()

    def uri(self, *parts: str) -> str:
        return str(self.root.joinpath(*parts))

    def raw_months(self) -> dict[str, list[Entry]]:
        months: dict[str, list[Entry]] = {}
        for path in store.parquet_files(self.root, "interactions"):
            stat = path.stat()
            month = path.parent.name.removeprefix("month=")
            entry = Entry(str(path), path.name, stat.st_size, stat.st_mtime_ns)
            months.setdefault(month, []).append(entry)
        return months

    def fingerprint(self, entries: list[Entry]) -> str:
        return facts.fingerprint([Path(e.path) for e in entries])

    def stat(self, uri: str) -> Entry | None:
        path = Path(uri)
        if not path.is_file():
            return None
        stat = path.stat()
        return Entry(uri, path.name, stat.st_size, stat.st_mtime_ns)

    def read_text(self, uri: str) -> str | None:
        try:
            return Path(uri).read_text(encoding="utf-8")
        except OSError:
            return None

    def files_in(self, folder: str) -> list[str]:
        return sorted(str(p) for p in Path(folder).glob("*.parquet"))

    def content_name(self, uri: str) -> str:
        digest = hashlib.sha256()
        with open(uri, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        return f"part-{digest.hexdigest()[:16]}.parquet"

    def move(self, source: str, target: str) -> None:
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)

    def remove_tree(self, uri: str) -> None:
        shutil.rmtree(uri, ignore_errors=True)

    def publish_manifest(self, manifest: facts.Manifest, daily_part: dict | None) -> None:
        """One os.replace, then the sweep of what no manifest names (facts.py)."""
        facts.publish_manifest(self.root, manifest, daily_part)


class HadoopFiles:
    """A root URI opened by Hadoop's FileSystem in the SparkSession's JVM."""

    def __init__(self, root: str, spark: Any) -> None:
        self.root = root.rstrip("/")
        self._jvm = spark.sparkContext._jvm
        self._conf = spark.sparkContext._jsc.hadoopConfiguration()
        self._fs = self._path(self.root).getFileSystem(self._conf)

    def _path(self, uri: str) -> Any:
        return self._jvm.org.apache.hadoop.fs.Path(uri)

    def uri(self, *parts: str) -> str:
        return "/".join([self.root, *parts])

    def _list(self, folder: str) -> list[Any]:
        path = self._path(folder)
        if not self._fs.exists(path):
            return []
        return list(self._fs.listStatus(path))

    def raw_months(self) -> dict[str, list[Entry]]:
        months: dict[str, list[Entry]] = {}
        for folder in self._list(self.uri("interactions")):
            name = folder.getPath().getName()
            if not folder.isDirectory() or not name.startswith("month="):
                continue
            for status in self._list(folder.getPath().toString()):
                file_name = status.getPath().getName()
                # hidden names are a writer's staged files (and Spark skips them too)
                if file_name.startswith((".", "_")) or not file_name.endswith(".parquet"):
                    continue
                entry = Entry(
                    status.getPath().toString(),
                    file_name,
                    status.getLen(),
                    status.getModificationTime() * 1_000_000,
                )
                months.setdefault(name.removeprefix("month="), []).append(entry)
        return {m: sorted(e, key=lambda x: x.name) for m, e in sorted(months.items())}

    def fingerprint(self, entries: list[Entry]) -> str:
        digest = hashlib.sha256()
        for entry in sorted(entries, key=lambda e: e.name):
            digest.update(f"{entry.name}:{entry.size}:{entry.mtime_ns}\n".encode())
        return digest.hexdigest()[:24]

    def stat(self, uri: str) -> Entry | None:
        path = self._path(uri)
        if not self._fs.exists(path):
            return None
        status = self._fs.getFileStatus(path)
        return Entry(uri, path.getName(), status.getLen(), status.getModificationTime() * 1_000_000)

    def read_text(self, uri: str) -> str | None:
        path = self._path(uri)
        if not self._fs.exists(path):
            return None
        stream = self._fs.open(path)
        try:
            reader = self._jvm.java.io.BufferedReader(
                self._jvm.java.io.InputStreamReader(stream, "UTF-8")
            )
            return "\n".join(iter(reader.readLine, None))
        finally:
            stream.close()

    def files_in(self, folder: str) -> list[str]:
        return sorted(
            s.getPath().toString()
            for s in self._list(folder)
            if s.getPath().getName().endswith(".parquet")
        )

    def content_name(self, uri: str) -> str:
        """Object stores give no content hash cheaply: the name is made from the file's
        size, time and a random part (still never reused for other content)."""
        entry = self.stat(uri)
        assert entry is not None
        seed = f"{entry.size}:{entry.mtime_ns}:{uuid.uuid4().hex}"
        return f"part-{hashlib.sha256(seed.encode()).hexdigest()[:16]}.parquet"

    def move(self, source: str, target: str) -> None:
        self._fs.mkdirs(self._path(target).getParent())
        if not self._fs.rename(self._path(source), self._path(target)):
            raise OSError(f"cannot move {source} to {target}")

    def remove_tree(self, uri: str) -> None:
        self._fs.delete(self._path(uri), True)

    def publish_manifest(self, manifest: facts.Manifest, daily_part: dict | None) -> None:
        """One PUT of the manifest (an object appears whole on S3, GCS and ADLS), then
        delete the rollup files it does not name."""
        text = facts.manifest_text(manifest, daily_part)
        out = self._fs.create(self._path(self.uri(facts.ROLLUP_DIR, facts.MANIFEST)), True)
        try:
            out.write(bytearray(text.encode("utf-8")))
        finally:
            out.close()
        body = facts.parse_body(text)
        named = {str(p) for p in facts.named_files(Path(""), body)}
        for sub in (facts.FACTS, *facts.DAILY_TABLE_FOLDERS.values()):
            for folder in self._list(self.uri(facts.ROLLUP_DIR, sub)):
                for status in self._list(folder.getPath().toString()):
                    relative = f"{facts.ROLLUP_DIR}/{sub}/{folder.getPath().getName()}/"
                    key = relative + status.getPath().getName()
                    if key.endswith(".parquet") and key not in named:
                        self._fs.delete(status.getPath(), False)


def files_for(root: str, spark: Any) -> LocalFiles | HadoopFiles:
    return LocalFiles(root) if is_local(root) else HadoopFiles(root, spark)
