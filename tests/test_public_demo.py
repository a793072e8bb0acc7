"""The public board on the demo data set (150k rows, planted effects): the static export
and the feeds publish no message text and no customer id, and the planted
"improving" brand shows its improvement in its public history."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from starlette.routing import Router

from dashboard.core.config import load_config
from dashboard.data import connection
from dashboard.demo.generator import PLANTED, generate
from dashboard.views import public
from dashboard.web import api
from dashboard.web.static_export import export_public
from tests.test_public_api import call

PUBLIC = ["Skyline Air", "Bluebird Bank", "Northwind Telecom", "Pixel Games"]


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory) -> Path:
    data_dir = tmp_path_factory.mktemp("public-demo") / "data"
    generate(data_dir, rows=150_000, seed=42)
    names = ", ".join(f'"{b}"' for b in PUBLIC)
    (data_dir / "chi.toml").write_text(f"[public]\nbrands = [{names}]\n")
    return data_dir


@pytest.fixture(scope="module")
def demo(demo_dir):
    config = load_config(demo_dir)
    return connection.connect(demo_dir, config), config


@pytest.fixture(scope="module")
def demo_texts(demo) -> list[str]:
    con, _ = demo
    return [
        row[0]
        for row in con.sql(
            "select distinct text from interactions where text is not null"
        ).fetchall()
    ]


def assert_nothing_private(text: str, demo_texts: list[str]) -> None:
    assert "cust-" not in text  # the demo's customer author ids are cust-<number>
    leaked = [t for t in demo_texts if t in text]
    assert leaked == []


def test_every_public_demo_brand_is_scored_and_only_those(demo):
    board = public.board(*demo)
    assert sorted(s.brand for s in board.brands) == sorted(PUBLIC)
    assert all(not s.suppressed and s.n >= board.min_n for s in board.brands)
    assert [s.rank for s in board.brands] == [1, 2, 3, 4]


def test_improving_brand_history_rises(demo):
    con, config = demo
    history = [
        p.index
        for p in public.brand_history(con, config, PLANTED["improving"])
        if p.index is not None
    ]
    first, last = history[:8], history[-8:]
    assert sum(last) / 8 > sum(first) / 8 + 10


def test_static_export_of_the_demo_publishes_no_text_and_no_customer_id(demo, demo_texts, tmp_path):
    con, config = demo
    out = tmp_path / "site"
    export_public(con, config, out)
    for path in out.rglob("*.*"):
        assert_nothing_private(path.read_text(encoding="utf-8"), demo_texts)
    assert len(json.loads((out / "index.json").read_text())["brands"]) == len(PUBLIC)


def test_feeds_of_the_demo_publish_no_text_and_no_customer_id(demo_dir, demo_texts, monkeypatch):
    monkeypatch.setenv("CHI_DATA", str(demo_dir))
    monkeypatch.delenv("CHI_CONFIG", raising=False)
    app = Router(routes=api.routes(api.Feed()))
    bodies = [call(app, "/api/index.json")[2]]
    for slug in ("skyline-air", "bluebird-bank"):
        bodies += [call(app, f"/api/brands/{slug}.json")[2], call(app, f"/api/badge/{slug}.svg")[2]]
    for body in bodies:
        assert_nothing_private(body.decode(), demo_texts)
    assert call(app, "/api/brands/glitter-cosmetics.json")[0] == 404  # in the data, not public
