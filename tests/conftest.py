"""Shared fixtures: tiny hand-made logs written to a temp data dir, a fresh DuckDB per test."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pytest

from dashboard.core.config import Config, load_config
from dashboard.core.schema import TABLES
from dashboard.data import connection, store

T0 = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)  # a Monday


def at(minutes: float = 0, days: float = 0) -> dt.datetime:
    """A timestamp `days` and `minutes` after T0 (2025-03-03 09:00 UTC)."""
    return T0 + dt.timedelta(days=days, minutes=minutes)


def message(conversation_id: str, direction: str, when: dt.datetime, **extra: Any) -> dict:
    """One interaction row with sensible defaults for everything not given."""
    row = {
        "interaction_id": extra.pop("interaction_id", None),
        "conversation_id": conversation_id,
        "brand": "Acme",
        "channel": "twitter",
        "direction": direction,
        "author_id": "acme" if direction == "outbound" else f"cust-{conversation_id}",
        "created_at": when,
    }
    row.update(extra)
    return row


def write_rows(data_dir: Path, table: str, rows: list[dict]) -> None:
    schema = TABLES[table]
    if table == "interactions":
        for i, row in enumerate(rows):
            if row.get("interaction_id") is None:
                row["interaction_id"] = f"m{i:05d}"
    columns = {f.name: [r.get(f.name) for r in rows] for f in schema}
    store.write_batch(data_dir, table, pa.table(columns, schema=schema), "fixture")


@pytest.fixture
def config() -> Config:
    return load_config()


@pytest.fixture
def make_db(tmp_path: Path, config: Config) -> Callable[..., duckdb.DuckDBPyConnection]:
    """make_db(interactions, audience=None, config=None) -> a fresh in-memory DuckDB."""

    def build(
        interactions: list[dict],
        audience: list[dict] | None = None,
        cfg: Config | None = None,
    ) -> duckdb.DuckDBPyConnection:
        data_dir = tmp_path / "data"
        if interactions:
            write_rows(data_dir, "interactions", interactions)
        if audience:
            write_rows(data_dir, "audience", audience)
        return connection.connect(data_dir, cfg or config)

    return build


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Close the DuckDB connections that AppTest runs and the feeds left in the process's
    shared cache, so their bindings are released before interpreter exit (no leak
    report after the summary)."""
    import gc

    import streamlit as st

    connection.clear_shared()
    st.cache_resource.clear()  # parsed configs; cached frames hold no bindings
    gc.collect()
