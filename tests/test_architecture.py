"""The import graph of dashboard/ and pages/, read with `ast` (nothing is imported):
no cycles, and imports only point down the layers

    pages -> ui -> charts -> views -> data -> core

(a layer may import any layer to its right). Beside that chain: web (the feeds, the
warm-up, the static export) may import charts, views, data and core but not ui;
ingest may import data and core, and ui may import it (the upload page's glue drives
the importer as `chi ingest` does); demo may import data, core and ingest. The entry
points (commands, reports, bench, cli, app.py, server.py) may import anything but
pages, and only commands/bench.py may import dashboard.bench.

Every import counts: module level and inside functions, `import a.b`, `from a import
b` (b a module or a name), relative imports.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "dashboard"
PAGES = ROOT / "pages"

CHAIN = ("pages", "ui", "charts", "views", "data", "core")
ENTRY_POINTS = ("commands", "reports", "bench", "cli", "app", "server")
EVERY_LAYER = set(CHAIN) | set(ENTRY_POINTS) | {"web", "ingest", "demo"}
ALLOWED: dict[str, set[str]] = {
    **{layer: set(CHAIN[i:]) for i, layer in enumerate(CHAIN)},
    "web": {"web", "charts", "views", "data", "core"},
    "ingest": {"ingest", "data", "core"},
    "demo": {"demo", "ingest", "data", "core"},
    **{entry: EVERY_LAYER - {"pages"} for entry in ENTRY_POINTS},
}
ALLOWED["ui"] |= {"ingest"}
BENCH_USERS = {"dashboard.commands.bench"}  # besides dashboard.bench itself (and tests)
TOP_LEVEL_MAX = 15  # modules and packages directly under dashboard/


def module_files() -> dict[str, Path]:
    """Module name -> file, for dashboard/** and pages/*."""
    files = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        files[".".join(parts)] = path
    for path in sorted(PAGES.glob("*.py")):
        files[f"pages.{path.stem}"] = path
    return files


MODULES = module_files()


def _is_package(name: str) -> bool:
    return MODULES.get(name, Path()).name == "__init__.py"


def _resolve(module: str, node: ast.ImportFrom) -> str:
    """The absolute module a `from ... import` names (relative ones resolved)."""
    if not node.level:
        return node.module or ""
    base = module.split(".") if _is_package(module) else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _known(name: str) -> str | None:
    """`name` or its nearest enclosing module that is one of ours."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def imports_of(module: str) -> set[str]:
    """Every module of ours that `module` imports, anywhere in its code."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            source = _resolve(module, node)
            # `from a import b`: the submodule a.b when there is one, else a's name b
            targets = [
                f"{source}.{a.name}" if f"{source}.{a.name}" in MODULES else source
                for a in node.names
            ]
        else:
            continue
        found |= {t for t in map(_known, targets) if t is not None and t != module}
    return found


GRAPH = {module: imports_of(module) for module in MODULES}


def layer(module: str) -> str:
    parts = module.split(".")
    if parts[0] == "pages":
        return "pages"
    return parts[1] if len(parts) > 1 else "dashboard"


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as [a, b, ..., a], or None (depth-first, colours)."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_the_graph_reads_every_kind_of_import() -> None:
    # a function-level import (sql inside commands.common.open_connection) ...
    assert "dashboard.data.connection" in GRAPH["dashboard.commands.common"]
    # ... `from dashboard.data import rollup` (a package) and a submodule by name
    assert "dashboard.data.rollup" in GRAPH["dashboard.ui.upload"]
    assert "dashboard.data.rollup.facts" in GRAPH["dashboard.data.rollup.daily"]
    assert "dashboard.ui.shared" in GRAPH["pages.overview"]


def test_relative_imports_resolve_against_the_importing_module() -> None:
    def resolve(module: str, code: str) -> str:
        node = ast.parse(code).body[0]
        assert isinstance(node, ast.ImportFrom)
        return _resolve(module, node)

    assert resolve("dashboard.data.rollup.daily", "from . import facts") == "dashboard.data.rollup"
    assert resolve("dashboard.data.rollup", "from .facts import KEY") == (
        "dashboard.data.rollup.facts"
    )
    assert resolve("dashboard.data.rollup.daily", "from ..raw import x") == "dashboard.data.raw"


def test_a_cycle_is_found_and_named() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_module_imports_itself_through_others() -> None:
    cycle = find_cycle(GRAPH)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_imports_point_only_down_the_layers() -> None:
    wrong = [
        f"{module} ({layer(module)}) imports {target} ({layer(target)})"
        for module, targets in GRAPH.items()
        for target in sorted(targets)
        if layer(target) not in ALLOWED.get(layer(module), set()) | {"dashboard"}
    ]
    assert not wrong, "\n".join(wrong)


def test_every_module_belongs_to_a_known_layer() -> None:
    unknown = sorted(m for m in MODULES if layer(m) not in ALLOWED and m != "dashboard")
    assert not unknown


def test_nothing_in_the_product_imports_the_bench() -> None:
    users = {
        module
        for module, targets in GRAPH.items()
        if layer(module) != "bench" and any(layer(t) == "bench" for t in targets)
    }
    assert users <= BENCH_USERS


def test_the_top_of_the_package_stays_small() -> None:
    top = [
        p
        for p in PACKAGE.iterdir()
        if (p.suffix == ".py" and p.name != "__init__.py") or (p / "__init__.py").is_file()
    ]
    assert len(top) <= TOP_LEVEL_MAX, sorted(p.name for p in top)
