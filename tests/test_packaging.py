"""`pip install .` must give a working `chi`: queries, pages and config ship inside."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    uv = shutil.which("uv")
    if uv is None:
        pytest.skip("uv is not on PATH: cannot build the wheel")
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [uv, "build", "--wheel", "--out-dir", str(out), str(ROOT)], check=True, capture_output=True
    )
    return next(out.glob("*.whl"))


def test_wheel_ships_every_query_page_and_the_default_config(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for query in (ROOT / "queries").rglob("*.sql"):
        assert f"dashboard/queries/{query.relative_to(ROOT / 'queries')}" in names
    for page in (ROOT / "pages").glob("*.py"):
        assert f"dashboard/pages/{page.name}" in names
    assert "dashboard/core/default_config.toml" in names
    assert any(n.endswith("entry_points.txt") for n in names)


def test_installed_package_finds_its_queries_from_another_directory(wheel, tmp_path):
    target = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(target)  # a pure-Python wheel installs by unpacking
    probe = (
        "import dashboard.data.sql as d, dashboard.ui.navigation as n; "
        "print(d.QUERIES_DIR); print(len(d.query_names())); print(n.PAGES_DIR)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
    )
    queries_dir, count, pages_dir = result.stdout.split()
    assert queries_dir.startswith(str(target))
    assert pages_dir.startswith(str(target))
    assert int(count) == len(list((ROOT / "queries").glob("*/[a-z]*.sql")))
