"""`chi bench` runs end to end on a tiny data set (correctness only, no timing asserts)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.bench import runner as bench
from dashboard.cli import main
from dashboard.core.config import load_config
from dashboard.data import connection

ROWS = 4000


@pytest.fixture(scope="module")
def bench_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("bench")
    assert bench.ensure_data(data_dir, ROWS, 7) is not None
    return data_dir


def test_bench_prints_every_page_and_appends_a_dated_section(
    bench_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "BENCHMARKS.md"
    code = main(
        [
            "bench",
            "--rows",
            str(ROWS),
            "--data",
            str(bench_dir),
            "--runs",
            "1",
            "--no-peers",
            "--no-browser",
            "--cli-runs",
            "1",
            "--append",
            str(out_file),
        ]
    )
    assert code == 0
    printed = capsys.readouterr().out
    text = out_file.read_text(encoding="utf-8")
    assert "chi bench" in printed and "appended to" in printed
    for page in ("overview", "happiness", "engagement", "consistency", "board"):
        assert f"| page {page} |" in text
    assert "DuckDB" in text and "rollup build (full)" in text
    # the command line, end to end in fresh processes, beside a bare Python
    for command in ("python -c pass", "chi --help", "chi report overview", "chi report agents"):
        assert f"| {command} |" in text


def test_bench_reuses_existing_data(bench_dir: Path) -> None:
    assert bench.ensure_data(bench_dir, ROWS, 7) is None


def test_measure_reports_every_page(bench_dir: Path) -> None:
    result = bench.measure(bench_dir, load_config(), warm_runs=1, with_peers=False, cli_runs=0)
    assert [p.page for p in result.pages] == [
        "overview",
        "happiness",
        "engagement",
        "consistency",
        "people",
        "board",
    ]
    assert result.rows > 0 and result.conversations > 0


def test_keep_rollups_reuses_the_stored_rollups_without_timing_a_build(bench_dir: Path) -> None:
    from dashboard.data.rollup import daily, facts

    bench.refresh_rollups(bench_dir, load_config(bench_dir))
    oldest = min(facts.read_manifest(bench_dir).months)
    stored = daily.month_file(bench_dir, oldest)
    stamp = stored.stat().st_mtime_ns
    result = bench.measure(
        bench_dir, load_config(bench_dir), 1, with_peers=False, rebuild=False, cli_runs=0
    )
    assert result.build_s is None
    assert [p.page for p in result.pages] == list(
        bench.page_calls(
            load_config(bench_dir),
            bench.default_filters(
                connection.connect(bench_dir, load_config(bench_dir)), load_config(bench_dir)
            ),
        )
    )
    # only the newest month is touched by the one-month refresh; the oldest stays
    assert stored.stat().st_mtime_ns == stamp
