"""Every named query (queries/model/*.sql, queries/views/*.sql) documents itself and is
exercised by a test; every macro (queries/_macros.sql and the generated ones) is
documented and used.

Header: leading comment lines `-- name:`, `-- purpose:`, `-- grain:`, `-- params:`;
the name is the file's; every $param used is mentioned in the header. Exercised:
a test file names the query in quotes, or imports the dashboard module that runs
it (the view wrapping the query), or runs the `chi report` view that does.
Macros: each `create ... macro` in _macros.sql has a comment right above it, each
generated macro is described in _macros.sql's header, and each is called by a query
file (directly, or through another macro that one calls).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dashboard.data import sql

ROOT = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent
QUERIES = sorted(sql.query_path(name) for name in sql.query_names())
PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")
MACRO = re.compile(r"^create or replace macro ([a-z_][a-z0-9_]*)\(", re.MULTILINE)


def header(path: Path) -> str:
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("--"):
            break
        lines.append(line)
    return "\n".join(lines)


def quoted(name: str, text: str) -> bool:
    return f'"{name}"' in text or f"'{name}'" in text


def test_there_are_named_queries():
    assert {"conversations", "happiness_by_period"} <= {p.stem for p in QUERIES}


@pytest.mark.parametrize("path", QUERIES, ids=lambda p: p.stem)
def test_query_header_names_the_file_and_documents_every_param(path):
    head = header(path)
    for key in ("name", "purpose", "grain", "params"):
        assert re.search(rf"^-- {key}:", head, re.MULTILINE), f"{path.name}: no '-- {key}:'"
    assert re.search(rf"^-- name: {re.escape(path.stem)}\s*$", head, re.MULTILINE), (
        f"{path.name}: '-- name:' must be {path.stem}"
    )
    body = sql._strip_comments(path.read_text(encoding="utf-8"))
    undocumented = sorted(set(PARAM.findall(body)) - set(PARAM.findall(head)))
    assert not undocumented, f"{path.name}: $params missing from the header: {undocumented}"


def _test_texts() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in TESTS.rglob("*.py"))


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def _imported(module: str, tests: str) -> bool:
    """The module is imported by a test (or, for a report view, run as `chi report`)."""
    package, _, leaf = module.rpartition(".")
    if package == "dashboard.reports" and re.search(
        rf"[\"']report[\"'],\s*[\"']{leaf}[\"']", tests
    ):
        return True
    return (
        re.search(rf"\b{re.escape(module)}\b", tests) is not None
        or re.search(rf"from {re.escape(package)} import [^\n]*\b{leaf}\b", tests) is not None
    )


@pytest.mark.parametrize("path", QUERIES, ids=lambda p: p.stem)
def test_query_is_exercised_by_a_test(path):
    tests = _test_texts()
    if quoted(path.stem, tests):
        return
    runners = [
        _module_name(p)
        for p in (ROOT / "dashboard").rglob("*.py")
        if quoted(path.stem, p.read_text(encoding="utf-8"))
    ]
    assert any(_imported(m, tests) for m in runners), (
        f"no test names {path.stem!r} or imports a module that runs it ({runners})"
    )


def test_every_sql_file_is_a_model_or_view_query_or_the_macros():
    files = {p.relative_to(sql.QUERIES_DIR).as_posix() for p in sql.QUERIES_DIR.rglob("*.sql")}
    stray = sorted(
        f for f in files if f != sql.MACROS_FILE.name and f.split("/")[0] not in sql.QUERY_FOLDERS
    )
    assert not stray, f"query files outside {sql.QUERY_FOLDERS}: {stray}"
    assert all(f.count("/") <= 1 for f in files), "no nested folders under queries/"


def macro_bodies(text: str) -> dict[str, str]:
    """Each macro defined in `text` -> its definition (up to the next macro)."""
    starts = list(MACRO.finditer(text))
    ends = [m.start() for m in starts[1:]] + [len(text)]
    return {m.group(1): text[m.start() : end] for m, end in zip(starts, ends, strict=True)}


MACROS_TEXT = sql.MACROS_FILE.read_text(encoding="utf-8")
FILE_MACROS = macro_bodies(MACROS_TEXT)
GENERATED_MACROS = macro_bodies(sql.generated_macros())


def test_there_are_file_and_generated_macros():
    assert {"summed", "scored", "in_selection", "in_local_days"} <= set(FILE_MACROS)
    assert {"follower_bucket", "follower_buckets", "default_target_s"} <= set(GENERATED_MACROS)
    assert not set(FILE_MACROS) & set(GENERATED_MACROS), "a macro is defined twice"


@pytest.mark.parametrize("name", sorted(FILE_MACROS))
def test_macro_has_a_comment_right_above_it(name):
    before = MACROS_TEXT[: MACROS_TEXT.index(f"create or replace macro {name}(")]
    comment = before.rstrip("\n").splitlines()[-1]
    assert comment.startswith("-- "), f"macro {name}: no comment right above it"
    assert f"-- {name}(" in before.split("\n\n")[-1], (
        f"macro {name}: its comment should start with its call, e.g. '-- {name}(...)'"
    )


@pytest.mark.parametrize("name", sorted(GENERATED_MACROS))
def test_generated_macro_is_described_in_the_macros_header(name):
    head = header(sql.MACROS_FILE)
    assert re.search(rf"^--\s+{name}\(", head, re.MULTILINE), (
        f"generated macro {name} is not described in the header of {sql.MACROS_FILE.name}"
    )


def _called(name: str, code: str) -> bool:
    return re.search(rf"\b{name}\(", code) is not None


@pytest.mark.parametrize("name", sorted({**FILE_MACROS, **GENERATED_MACROS}))
def test_macro_is_used_by_a_query(name):
    queries = "\n".join(sql._strip_comments(p.read_text(encoding="utf-8")) for p in QUERIES)
    bodies = {
        macro: sql._strip_comments(body.split("(", 1)[1])  # skip the macro's own name
        for macro, body in {**FILE_MACROS, **GENERATED_MACROS}.items()
    }
    used = {m for m in bodies if _called(m, queries)}
    while True:  # a macro called by a used macro is used too
        more = {m for m in bodies if m not in used and any(_called(m, bodies[u]) for u in used)}
        if not more:
            break
        used |= more
    assert name in used, f"macro {name} is not called by any query (nor by a macro one calls)"
