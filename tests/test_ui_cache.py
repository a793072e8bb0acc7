"""Streamlit caching in dashboard/ui, proved by counting real query executions.

Every `sql.run` (and every connection build, `connection.connect` as called by
connection.shared_connection, the process's one cache of connections) still runs for
real; the tests only record which view function asked for it (the function ui.load was given, e.g.
overview.trend), so "re-ran" means DuckDB executed the query again, not merely that a
page re-rendered.

- a filter change re-runs only the view calls whose arguments it changes;
- two browser sessions (two AppTest instances) share the cached results;
- every cache is bounded: old results and old connections are dropped.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from streamlit.runtime.caching.cache_utils import CachedFunc
from streamlit.runtime.scriptrunner import ScriptRunner
from streamlit.testing.v1 import AppTest

from dashboard.data import connection, sql
from dashboard.data.store import parquet_files
from dashboard.ui import shared as ui
from dashboard.web import api
from tests.conftest import at, message, write_rows

PAGES = Path(__file__).resolve().parent.parent / "pages"
RESULTS_KEPT = 512  # st.cache_data(max_entries=...) of ui.load's cache
CONNECTIONS_KEPT = 2  # connection.SHARED_MAX: the shared connections a process keeps
CONFIGS_KEPT = 4  # st.cache_resource(max_entries=...) of ui's parsed config
MARCH = {"from": "2025-03-03", "to": "2025-03-16"}


@dataclass(frozen=True)
class Execution:
    view: str  # the function given to ui.load, e.g. "overview.kpi_sets"
    query: str  # the queries/<name>.sql that DuckDB ran
    params: dict[str, Any]


@dataclass
class Executions:
    """What really ran since the last `reset()`."""

    queries: list[Execution] = field(default_factory=list)
    connections: int = 0  # connections built (connection.connect calls)

    def views(self) -> Counter[str]:
        return Counter(e.view for e in self.queries)

    def reset(self) -> None:
        self.queries.clear()
        self.connections = 0


def calling_view() -> str:
    """The outermost dashboard function below ui (the one ui.load cached), so a query
    run by happiness.what_moved through happiness.by_period counts as what_moved."""
    view = "?"
    frame = sys._getframe(2)  # skip this function and the counting sql.run
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if module.startswith("dashboard.ui") or (
            view != "?" and not module.startswith("dashboard.")
        ):
            break
        if module.startswith("dashboard.views."):
            view = f"{module.removeprefix('dashboard.views.')}.{frame.f_code.co_qualname}"
        frame = frame.f_back
    return view


@pytest.fixture(autouse=True)
def cold_caches() -> Iterator[None]:
    st.cache_data.clear()
    st.cache_resource.clear()
    connection.clear_shared()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()
    connection.clear_shared()


@pytest.fixture(autouse=True)
def one_session_per_apptest(monkeypatch: pytest.MonkeyPatch) -> None:
    """Give every AppTest its own session id, as every browser tab has on a real server.

    AppTest runs all instances as "test session id", so a cache scoped to the session
    would look shared; the id here follows the AppTest's session state instead."""
    real_init = ScriptRunner.__init__

    def init(self: ScriptRunner, *args: Any, **kwargs: Any) -> None:
        if kwargs.get("session_id") == "test session id":
            kwargs["session_id"] = f"apptest-{id(kwargs['session_state'])}"
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(ScriptRunner, "__init__", init)


@pytest.fixture
def executed(monkeypatch: pytest.MonkeyPatch) -> Executions:
    """Count every real query and every connection built; view modules call `sql.run`
    and shared_connection calls `connect` as module attributes at call time."""
    log = Executions()
    real_run, real_connection = sql.run, connection.connect

    def counting_run(con: Any, name: str, **params: Any) -> Any:
        log.queries.append(Execution(calling_view(), name, params))
        return real_run(con, name, **params)

    def counting_connection(*args: Any, **kwargs: Any) -> Any:
        log.connections += 1
        return real_connection(*args, **kwargs)

    monkeypatch.setattr(sql, "run", counting_run)
    monkeypatch.setattr(connection, "connect", counting_connection)
    return log


def two_brands_two_weeks() -> list[dict]:
    """Acme on twitter and Bolt by email, one answered and one unanswered conversation
    each week (3-9 and 10-16 March 2025)."""
    rows = []
    for week in (0, 1):
        for brand, channel in (("Acme", "twitter"), ("Bolt", "email")):
            cid = f"{brand}-{week}"
            rows += [
                message(f"{cid}-a", "inbound", at(0, days=7 * week), brand=brand, channel=channel),
                message(
                    f"{cid}-a", "outbound", at(30, days=7 * week), brand=brand, channel=channel
                ),
                message(f"{cid}-b", "inbound", at(60, days=7 * week), brand=brand, channel=channel),
            ]
    return rows


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "data"
    write_rows(path, "interactions", two_brands_two_weeks())
    monkeypatch.setenv("CHI_DATA", str(path))
    monkeypatch.delenv("CHI_CONFIG", raising=False)
    monkeypatch.delenv("CHI_PUBLIC", raising=False)
    return path


def open_page(page: str, **query: str) -> AppTest:
    """A new browser session on `page` with these URL parameters."""
    app = AppTest.from_file(str(PAGES / page), default_timeout=30)
    for key, value in query.items():
        app.query_params[key] = value
    app.run()
    assert not app.exception
    return app


def rerun(app: AppTest) -> AppTest:
    app.run()
    assert not app.exception
    return app


# 1. a filter change re-runs only what it affects

# the overview's data calls that depend on the selection (the grain: the trend only)
OVERVIEW_CALLS = {
    "overview.kpi_sets",
    "headline.what_moved_it",
    "overview.trend",
    "alerts.alerts",
    "movers.movers",
}


def test_rerunning_a_page_without_changes_runs_no_query(data_dir, executed):
    app = open_page("overview.py", **MARCH)
    assert set(executed.views()) == {"bounds.data_bounds", *OVERVIEW_CALLS}
    executed.reset()
    rerun(app)
    assert executed.queries == []


def test_changing_the_trend_grain_reruns_only_the_trend_query(data_dir, executed):
    app = open_page("overview.py", **MARCH, grain="week")
    executed.reset()
    app.segmented_control(key="grain").set_value("day")
    rerun(app)
    # bounds and KPI tiles do not depend on the grain: served from the cache
    assert set(executed.views()) == {"overview.trend"}
    assert {e.params["grain"] for e in executed.queries} == {"day"}
    assert len(app.get("plotly_chart")) == 1


def test_going_back_to_a_grain_already_seen_runs_no_query(data_dir, executed):
    app = open_page("overview.py", **MARCH, grain="week")
    app.segmented_control(key="grain").set_value("day")
    rerun(app)
    executed.reset()
    app.segmented_control(key="grain").set_value("week")
    rerun(app)
    assert executed.queries == []


def test_changing_the_dates_reruns_the_kpis_and_trend_but_not_the_data_bounds(data_dir, executed):
    app = open_page("overview.py", **MARCH, grain="week")
    executed.reset()
    app.date_input(key="from").set_value(at(days=7).date())  # 10-16 March only
    rerun(app)
    assert set(executed.views()) == OVERVIEW_CALLS
    values = {m.label: m.value for m in app.metric}
    assert values["Conversations"] == "4"  # 2 brands x 2 conversations in week 2


def test_changing_a_brand_filter_leaves_the_data_bounds_cached(data_dir, executed):
    app = open_page("overview.py", **MARCH)
    executed.reset()
    app.multiselect(key="brand").set_value(["Bolt"])
    rerun(app)
    assert set(executed.views()) == OVERVIEW_CALLS
    assert all(e.params["brands"] == ["Bolt"] for e in executed.queries)


def test_changing_lines_per_on_the_happiness_page_leaves_what_moved_and_the_formula_cached(
    data_dir, executed
):
    app = open_page("happiness.py", **MARCH, grain="week", by="brand")
    assert {"happiness.by_period", "happiness.what_moved"} <= set(executed.views())
    # the formula panel comes with what moved: no query of its own
    assert "happiness.how_computed" not in executed.views()
    executed.reset()
    app.segmented_control(key="by").set_value("channel")
    rerun(app)
    ran = executed.views()
    # the trend (weeks) and the per-line heatmap (whole selection) are split by the new
    # choice; the selection's totals (what moved, how it is computed) are not
    # (the trend's lines come through happiness_lines.group_lines)
    trend_views = {"happiness.by_period", "happiness_lines.group_lines"}
    assert {e.params.get("grain") for e in executed.queries if e.view in trend_views} == {
        "week",
        "all",
    }
    assert "happiness.what_moved" not in ran
    assert "bounds.data_bounds" not in ran


# 2. sessions share the cache


def test_a_second_session_with_the_same_link_runs_no_query(data_dir, executed):
    first = open_page("overview.py", **MARCH)
    assert executed.queries and executed.connections == 1
    executed.reset()
    second = open_page("overview.py", **MARCH)
    assert executed.queries == []
    assert executed.connections == 0
    shown = [{m.label: m.value for m in app.metric} for app in (first, second)]
    assert shown[0] == shown[1]


def test_a_second_session_on_other_dates_reuses_the_data_bounds(data_dir, executed):
    open_page("overview.py", **MARCH)
    executed.reset()
    open_page("overview.py", **{"from": "2025-03-10", "to": "2025-03-16"})
    assert set(executed.views()) == OVERVIEW_CALLS
    assert executed.connections == 0


def test_a_session_on_another_page_reuses_the_data_bounds(data_dir, executed):
    open_page("overview.py", **MARCH)
    executed.reset()
    open_page("happiness.py", **MARCH)
    assert executed.queries and "bounds.data_bounds" not in executed.views()
    assert executed.connections == 0


def test_the_public_feeds_use_the_connection_the_pages_built(data_dir, executed):
    open_page("overview.py", **MARCH)
    assert executed.connections == 1
    feed = api.Feed()
    snap = feed.snapshot()  # builds the board on the shared connection
    cursor = snap.cursor()
    cursor.close()
    assert executed.connections == 1


# 3. bounded caches


def echo(cursor: Any, value: int) -> int:
    ECHOED.append(value)
    return value


ECHOED: list[int] = []


def test_cached_results_are_capped_and_the_least_recently_used_is_dropped(data_dir):
    ECHOED.clear()
    for value in range(RESULTS_KEPT):
        ui.load(echo, value)
    assert len(ECHOED) == RESULTS_KEPT
    for value in range(RESULTS_KEPT):  # all of them are still cached
        ui.load(echo, value)
    assert len(ECHOED) == RESULTS_KEPT
    ECHOED.clear()
    ui.load(echo, RESULTS_KEPT)  # one more distinct call pushes out the oldest (0)
    ui.load(echo, RESULTS_KEPT - 1)
    ui.load(echo, 0)
    assert ECHOED == [RESULTS_KEPT, 0]


def test_new_data_versions_replace_old_connections(data_dir, executed):
    # re-uploading the log (a new file time) makes a new data version each time
    (log_file,) = parquet_files(data_dir, "interactions")
    first_ns = log_file.stat().st_mtime_ns
    for version in range(CONNECTIONS_KEPT + 1):
        os.utime(log_file, ns=(first_ns, first_ns + version * 1_000_000_000))
        ui.cursor()
    assert executed.connections == CONNECTIONS_KEPT + 1
    # back to the first version: its connection was dropped, so it is built again
    os.utime(log_file, ns=(first_ns, first_ns))
    ui.cursor()
    assert executed.connections == CONNECTIONS_KEPT + 2
    ui.cursor()  # and then kept
    assert executed.connections == CONNECTIONS_KEPT + 2


def test_edited_configs_replace_old_parsed_configs(data_dir, monkeypatch):
    loads: list[Path] = []
    real_load = ui.load_config

    def counting_load(*args: Any, **kwargs: Any) -> Any:
        loads.append(args[0])
        return real_load(*args, **kwargs)

    monkeypatch.setattr(ui, "load_config", counting_load)
    chi_toml = data_dir / "chi.toml"
    chi_toml.write_text("", encoding="utf-8")  # all defaults
    first_ns = chi_toml.stat().st_mtime_ns
    for edit in range(CONFIGS_KEPT + 1):  # each save of chi.toml is a new config
        os.utime(chi_toml, ns=(first_ns, first_ns + edit * 1_000_000_000))
        ui.current_config()
    assert len(loads) == CONFIGS_KEPT + 1
    os.utime(chi_toml, ns=(first_ns, first_ns))  # the first save again: dropped, re-read
    ui.current_config()
    assert len(loads) == CONFIGS_KEPT + 2
    ui.current_config()
    assert len(loads) == CONFIGS_KEPT + 2


def test_every_streamlit_cache_of_the_dashboard_is_bounded_and_shared_by_sessions():
    """A guard for caches added later (inspects Streamlit's cached-function info: the
    behavioural tests above cover the caches that exist today)."""
    modules = [
        importlib.import_module(f"dashboard.ui.{path.stem}")
        for path in sorted((PAGES.parent / "dashboard" / "ui").glob("*.py"))
    ]
    cached = {
        f"{module.__name__}.{name}": value._info
        for module in modules
        for name, value in vars(module).items()
        if isinstance(value, CachedFunc)
    }
    # results and parsed configs; connections live in connection.shared_connection only
    assert {"dashboard.ui.shared._cached_call", "dashboard.ui.shared._config"} <= set(cached)
    for name, info in cached.items():
        assert info.max_entries is not None, f"{name} has no max_entries"
        assert info.scope == "global", f"{name} is not shared by sessions"


def test_the_rollup_status_is_read_once_per_data_version_not_on_every_rerun(
    data_dir, executed, monkeypatch
):
    reads = []
    real_status = connection.rollup_status

    def counting_status(con: Any) -> Any:
        reads.append(1)
        return real_status(con)

    monkeypatch.setattr(connection, "rollup_status", counting_status)
    app = open_page("overview.py", **MARCH)
    # the fixture's data dir has no stored rollups: the page says they are stale
    assert any("`chi rollup` stores them" in c.value for c in app.caption)
    rerun(app)
    open_page("happiness.py", **MARCH)
    assert len(reads) == 1
