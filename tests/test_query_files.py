"""Every named query (queries/*.sql) documents itself and is exercised by a test.

Header: leading comment lines `-- name:`, `-- purpose:`, `-- grain:`, `-- params:`;
the name is the file's; every $param used is mentioned in the header. Exercised:
a test file names the query in quotes, or imports the dashboard module that runs
it (the view wrapping the query), or runs the `chi report` view that does.
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
