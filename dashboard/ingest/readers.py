"""Reading users' files: encoding, delimiter and shape checks, all columns as text.

A fatal problem (missing or empty file, binary content, an encoding we cannot
read, no data rows) raises IngestError naming the file; everything else is left
to the row-level validation.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable, Iterator
from pathlib import Path

import polars as pl

from dashboard.ingest.model import ROW, IngestError

_CHUNK = 1 << 20
_DELIMITERS = (",", ";", "\t", "|")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def check_file(path: Path) -> None:
    if not path.exists():
        raise IngestError(f"{path.name}: no such file")
    if not path.is_file():
        raise IngestError(f"{path.name}: not a file")
    if path.stat().st_size == 0:
        raise IngestError(f"{path.name}: empty file")


# UTF-16 without a byte-order mark: text that is mostly ASCII (a CSV header, ids, dates)
# has a NUL as every other byte, at odd offsets in little-endian and even offsets in
# big-endian. A share of at least UTF16_NUL_SHARE of those positions (in the first
# MiB) and almost none (under UTF16_OTHER_SHARE) at the others is UTF-16; any other
# NUL byte makes the file binary.
UTF16_NUL_SHARE = 0.3
UTF16_OTHER_SHARE = 0.02
UTF16_LE = "utf-16-le"
UTF16_BE = "utf-16-be"
LABELS = {
    UTF16_LE: "UTF-16 LE (no byte-order mark)",
    UTF16_BE: "UTF-16 BE (no byte-order mark)",
}


def _utf16_without_bom(head: bytes) -> str | None:
    if len(head) < 4:
        return None
    even, odd = head[0::2], head[1::2]
    even_share = even.count(0) / len(even)
    odd_share = odd.count(0) / len(odd)
    guess = None
    if odd_share >= UTF16_NUL_SHARE and even_share < UTF16_OTHER_SHARE:
        guess = UTF16_LE
    elif even_share >= UTF16_NUL_SHARE and odd_share < UTF16_OTHER_SHARE:
        guess = UTF16_BE
    if guess is None:
        return None
    # and it must read as text: binary data with a NUL every other byte decodes to
    # control characters
    text = head[: len(head) // 2 * 2].decode(guess, errors="replace")
    if _control_share(text) > 0.01 or text.count("\ufffd") > len(text) // 100:
        return None
    return guess


def label(encoding: str) -> str:
    """How the summary names an encoding ("UTF-16 LE (no byte-order mark)")."""
    return LABELS.get(encoding, encoding)


def detect_encoding(path: Path) -> str:
    """utf-8 (or a BOM's encoding) when the whole file decodes, UTF-16 LE/BE when the
    NUL bytes say so (no BOM), else Latin-1.

    Files with other NUL bytes and no UTF-16/32 byte-order mark are binary, not tables.
    """
    with path.open("rb") as handle:
        head = handle.read(4)
        for bom, name in _BOMS:
            if head.startswith(bom):
                return name
        handle.seek(0)
        utf16 = _utf16_without_bom(handle.read(_CHUNK))
        if utf16:
            return utf16
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        offset, utf8 = 0, True
        while chunk := handle.read(_CHUNK):
            nul = chunk.find(b"\x00")
            if nul >= 0:
                raise IngestError(
                    f"{path.name}: not a table: binary content (NUL byte at byte {offset + nul})"
                )
            if utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8 = False
            offset += len(chunk)
    return "utf-8" if utf8 else "latin-1"


def read_text(path: Path) -> tuple[str, str]:
    """The whole file as text and the encoding used."""
    encoding = detect_encoding(path)
    data = path.read_bytes()
    if encoding == "latin-1":
        # Windows exports are usually cp1252 (Latin-1 plus curly quotes and the euro sign)
        try:
            text, encoding = data.decode("cp1252"), "cp1252 (Windows Latin-1)"
        except UnicodeDecodeError:
            text = data.decode("latin-1")
        if _control_share(text[:_CHUNK]) > 0.01:
            raise IngestError(
                f"{path.name}: unreadable encoding: neither UTF-8 nor Latin-1 "
                "text (control characters)"
            )
        return text, encoding
    try:
        return data.decode(encoding), label(encoding)
    except UnicodeDecodeError as exc:
        raise IngestError(
            f"{path.name}: unreadable encoding ({label(encoding)}): {exc.reason} "
            f"at byte {exc.start}"
        ) from exc


def _control_share(text: str) -> float:
    if not text:
        return 0.0
    controls = sum(
        1 for ch in text if (ord(ch) < 32 and ch not in "\t\r\n") or 0x7F <= ord(ch) < 0xA0
    )
    return controls / len(text)


def sniff_delimiter(first_line: str) -> str:
    """The candidate delimiter that occurs most often outside quotes in the header."""
    counts = dict.fromkeys(_DELIMITERS, 0)
    quoted = False
    for ch in first_line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv(path: Path) -> tuple[pl.DataFrame, list[str]]:
    """Every column as text (empty fields null), a `_row` column, and notes.

    The fast path is Polars; a file it cannot parse (ragged rows) is read again with
    Python's csv module, and rows with the wrong number of fields get a `_error`.
    """
    notes: list[str] = []
    encoding = detect_encoding(path)
    if encoding == "utf-8":
        source: Path | bytes = path
        with path.open(encoding="utf-8", newline="") as handle:
            first = handle.readline()
    else:
        text, encoding = read_text(path)
        notes.append(f"{path.name} is not UTF-8; read as {encoding}")
        source = text.encode("utf-8")
        first = text.split("\n", 1)[0]
    if not first.strip():
        raise IngestError(f"{path.name}: not a table: the first line (header) is empty")
    delimiter = sniff_delimiter(first)
    try:
        frame = pl.read_csv(source, separator=delimiter, infer_schema=False, encoding="utf8")
        frame = _strip_header(frame)
    except pl.exceptions.NoDataError as exc:
        raise IngestError(f"{path.name}: empty file") from exc
    except pl.exceptions.PolarsError:
        frame = _read_csv_slow(path, source, delimiter)
    if frame.height == 0:
        raise IngestError(f"{path.name}: no data rows (only a header)")
    frame = frame.with_columns(pl.int_range(1, frame.height + 1, dtype=pl.Int64).alias(ROW))
    if "_error" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, pl.String).alias("_error"))
    return frame, notes


BLOCK_BYTES = 1 << 20  # a streamed CSV is parsed this many bytes at a time


def csv_batches(path: Path, size: int) -> Iterator[pl.DataFrame] | None:
    """A UTF-8 CSV's rows in frames of `size` rows, every column as text (empty fields
    null), header names as read_csv cleans them; None when the file must be read whole
    (not UTF-8, an empty header). Unnamed columns are kept (the caller drops them when
    empty in the whole file). Raises Polars' errors where read_csv would take its slow
    path (ragged rows): the caller then reads the file whole.

    The file is parsed BLOCK_BYTES at a time, each block cut after a line end outside
    quotes (an even number of `"` before it: a quoted field may hold line ends), with
    the header line in front: Polars' own batched readers map or buffer far more."""
    if detect_encoding(path) != "utf-8":
        return None
    with path.open("rb") as handle:
        header = handle.readline()
    if not header.strip():
        return None
    delimiter = sniff_delimiter(header.decode("utf-8"))
    return _rechunk(_blocks(path, header, delimiter), size)


def _blocks(path: Path, header: bytes, delimiter: str) -> Iterator[pl.DataFrame]:
    if not header.endswith(b"\n"):
        header += b"\n"
    with path.open("rb") as handle:
        handle.readline()
        rest, quotes = b"", 0  # an unfinished record, and the `"` it holds
        while True:
            block = handle.read(BLOCK_BYTES)
            data = rest + block
            if not block:
                if data.strip():
                    yield _parse(header + data, delimiter)
                return
            cut = _record_end(data, quotes + block.count(b'"'))
            if cut < 0:
                rest, quotes = data, quotes + block.count(b'"')
                continue
            rest = data[cut:]
            quotes = rest.count(b'"')
            yield _parse(header + data[:cut], delimiter)


def _record_end(data: bytes, quotes: int) -> int:
    """The end (after its line end) of the last complete record in `data`, which holds
    `quotes` quote characters; -1 when there is none."""
    end = len(data)
    while True:
        nl = data.rfind(b"\n", 0, end)
        if nl < 0:
            return -1
        after = data.count(b'"', nl)  # quotes after this line end
        if (quotes - after) % 2 == 0:
            return nl + 1
        end = nl


def _parse(data: bytes, delimiter: str) -> pl.DataFrame:
    frame = pl.read_csv(data, separator=delimiter, infer_schema=False, encoding="utf8")
    renamed = {c: c.strip().lstrip("\ufeff") for c in frame.columns}
    if len(set(renamed.values())) != len(renamed):
        raise pl.exceptions.ComputeError("duplicate column names")
    return frame.rename(renamed)


def _rechunk(frames: Iterable[pl.DataFrame], size: int) -> Iterator[pl.DataFrame]:
    """Frames of exactly `size` rows (the last one fewer) from frames of any size."""
    held: list[pl.DataFrame] = []
    n = 0
    for frame in frames:
        held.append(frame)
        n += frame.height
        if n < size:
            continue
        whole = pl.concat(held, rechunk=True)
        start = 0
        while whole.height - start >= size:
            yield whole.slice(start, size)
            start += size
        rest = whole.slice(start).rechunk()  # a copy: the rows yielded are not kept alive
        held, n = [rest], rest.height
    if n:
        yield pl.concat(held)


def _strip_header(frame: pl.DataFrame) -> pl.DataFrame:
    renamed = {c: c.strip().lstrip("\ufeff") for c in frame.columns}
    blank = [c for c, new in renamed.items() if not new]
    if len(set(renamed.values())) != len(renamed):
        raise pl.exceptions.ComputeError("duplicate column names")
    frame = frame.rename(renamed)
    # a trailing delimiter gives an unnamed, empty column: drop it
    return frame.drop([c for c in blank if frame[c].null_count() == frame.height])


def _read_csv_slow(path: Path, source: Path | bytes, delimiter: str) -> pl.DataFrame:
    raw = source.read_bytes() if isinstance(source, Path) else source
    reader = csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=delimiter)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration as exc:
        raise IngestError(f"{path.name}: empty file") from exc
    except csv.Error as exc:
        raise IngestError(f"{path.name} row 0: not a readable CSV header: {exc}") from exc
    if len(set(header)) != len(header):
        dup = next(h for h in header if header.count(h) > 1)
        raise IngestError(f"{path.name}: column '{dup}' appears twice in the header")
    columns: list[list[str | None]] = [[] for _ in header]
    errors: list[str | None] = []
    row = 0
    try:
        for fields in reader:
            row += 1
            if not fields:
                fields = [""]
            error = None
            if len(fields) != len(header):
                error = f"row has {len(fields)} fields, the header has {len(header)}"
            for i, column in enumerate(columns):
                value = fields[i] if i < len(fields) else ""
                column.append(value if value != "" else None)
            errors.append(error)
    except csv.Error as exc:
        raise IngestError(f"{path.name} row {row + 1}: not a readable CSV: {exc}") from exc
    data = {
        name: pl.Series(name, col, dtype=pl.String)
        for name, col in zip(header, columns, strict=True)
    }
    data["_error"] = pl.Series("_error", errors, dtype=pl.String)
    return pl.DataFrame(data)


def require_columns(path: Path, frame: pl.DataFrame, required: list[str], fmt: str) -> None:
    missing = [c for c in required if c not in frame.columns]
    if missing:
        have = ", ".join(c for c in frame.columns if not c.startswith("_"))
        if len(have) > 200:
            have = have[:200] + "..."
        raise IngestError(
            f"{path.name} column '{missing[0]}': missing (format {fmt} needs "
            f"{', '.join(repr(c) for c in missing)}; the file has: {have})"
        )


def parse_mapping(items: Iterable[str]) -> dict[str, str]:
    """`COLUMN=SOURCE` items (`chi ingest --map`, the upload page's mapping field) ->
    {COLUMN: SOURCE}; e.g. `agent_id=assignee` reads agent_id from `assignee`."""
    mapping: dict[str, str] = {}
    for item in items:
        wanted, sep, source = item.partition("=")
        if not sep or not wanted.strip() or not source.strip():
            raise IngestError(f"--map {item!r}: expected contract_column=source_column")
        mapping[wanted.strip()] = source.strip()
    return mapping


def apply_mapping(path: Path, frame: pl.DataFrame, mapping: dict[str, str]) -> pl.DataFrame:
    """Rename the file's columns to the names the format expects (`--map wanted=source`)."""
    renames: dict[str, str] = {}
    for wanted, source in mapping.items():
        if source not in frame.columns:
            raise IngestError(
                f"{path.name} column '{source}': not in the file (from --map {wanted}={source})"
            )
        renames[source] = wanted
    clash = [w for s, w in renames.items() if w in frame.columns and w not in renames]
    if clash:
        frame = frame.drop(clash)
    return frame.rename(renames)
