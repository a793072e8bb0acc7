"""The JSON feed and SVG badges served beside the app (dashboard/web/api.py): caching,
ETag/304, CORS, 404 for unknown brands, and nothing private.

The routes are called as a plain ASGI app (starlette's TestClient needs httpx, which
is not installed); the real server is exercised in tests/test_public_e2e.py.
"""

from __future__ import annotations

import asyncio
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from starlette.routing import Router

from dashboard.web import api
from tests.test_public import HIDDEN_INDEX, secrets, write


def call(
    app, path: str, method: str = "GET", headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    """One HTTP request through an ASGI app: (status, lower-case headers, body)."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "server": ("testserver", 80),
        "client": ("127.0.0.1", 5000),
        "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
    }
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], {k.decode(): v.decode() for k, v in start["headers"]}, body


@pytest.fixture
def app(tmp_path: Path, monkeypatch):
    data_dir = write(tmp_path / "data")
    monkeypatch.setenv("CHI_DATA", str(data_dir))
    monkeypatch.delenv("CHI_CONFIG", raising=False)
    return Router(routes=api.routes(api.Feed()))


def assert_public(body: bytes) -> None:
    text = body.decode()
    for secret in secrets():
        assert secret not in text
    assert HIDDEN_INDEX not in text and "Secret Co" not in text


def test_index_json_lists_public_brands_with_cache_and_cors_headers(app):
    status, headers, body = call(app, "/api/index.json")
    assert status == 200
    assert headers["content-type"].startswith("application/json")
    assert headers["cache-control"] == "public, max-age=300"
    assert headers["access-control-allow-origin"] == "*"
    assert headers["etag"].startswith('"')
    feed = json.loads(body)
    assert [b["brand"] for b in feed["brands"]] == ["Acme", "Globex", "Initech"]
    acme = feed["brands"][0]
    assert (acme["index"], acme["change"], acme["n"], acme["direction"]) == (65.6, -19.4, 4, "down")
    assert acme["links"] == {"badge": "/api/badge/acme.svg", "history": "/api/brands/acme.json"}
    assert feed["methodology"]["min_n"] == 3 and feed["methodology_version"] == "1.0"
    assert_public(body)


def test_movers_json_is_served_with_cache_headers_and_nothing_private(app):
    status, headers, body = call(app, "/api/movers.json")
    assert status == 200 and headers["content-type"].startswith("application/json")
    assert headers["cache-control"] == "public, max-age=300" and headers["etag"].startswith('"')
    assert headers["access-control-allow-origin"] == "*"
    feed = json.loads(body)
    # Acme is compared (n 4 and 3 >= min n 3) but its -19.4 is within its interval
    assert (feed["compared"], feed["up"], feed["down"], feed["min_n"]) == (1, [], [], 3)
    assert feed["period"] == {"from": "2025-03-01", "to": "2025-03-30", "days": 30}
    assert_public(body)
    again = call(app, "/api/movers.json", headers={"If-None-Match": headers["etag"]})
    assert again[0] == 304


def test_matching_if_none_match_gets_304_without_a_body(app):
    _, headers, _ = call(app, "/api/index.json")
    status, again, body = call(app, "/api/index.json", headers={"If-None-Match": headers["etag"]})
    assert status == 304 and body == b""
    assert again["etag"] == headers["etag"]
    assert again["access-control-allow-origin"] == "*"
    status, _, _ = call(app, "/api/index.json", headers={"If-None-Match": '"stale"'})
    assert status == 200


def test_etag_changes_when_the_config_changes(app, tmp_path):
    _, before, _ = call(app, "/api/index.json")
    chi = tmp_path / "data" / "chi.toml"
    chi.write_text(chi.read_text().replace("min_n = 3", "min_n = 4"))
    api.RECHECK_S, saved = 0.0, api.RECHECK_S
    try:
        _, after, body = call(app, "/api/index.json")
    finally:
        api.RECHECK_S = saved
    assert after["etag"] != before["etag"]
    assert json.loads(body)["brands"][0]["index"] == 65.6  # Acme has 4: still shown


def test_brand_history_by_slug_or_name(app):
    status, _, body = call(app, "/api/brands/acme.json")
    assert status == 200
    history = json.loads(body)
    assert history["brand"] == "Acme" and history["history"][0] == {
        "week_start": "2025-02-10",
        "index": 85.0,
        # three conversations with the same scores: the delta method sees no spread
        "index_ci_low": 85.0,
        "index_ci_high": 85.0,
        "n": 3,
    }
    assert call(app, "/api/brands/Acme.json")[0] == 200
    assert_public(body)


@pytest.mark.parametrize(
    "path",
    [
        "/api/brands/secret-co.json",
        "/api/badge/secret-co.svg",
        "/api/brands/nope.json",
        "/api/badge/..%2Fetc.svg",
    ],
)
def test_unknown_or_private_brand_is_a_404_json_error(app, path):
    status, headers, body = call(app, path)
    assert status == 404
    assert headers["access-control-allow-origin"] == "*"
    assert "not on the public board" in json.loads(body)["error"]


def test_badge_is_valid_svg_with_cache_headers(app):
    status, headers, body = call(app, "/api/badge/acme.svg")
    assert status == 200 and headers["content-type"].startswith("image/svg+xml")
    assert headers["cache-control"] == "public, max-age=300" and "etag" in headers
    assert "default-src 'none'" in headers["content-security-policy"]
    root = ET.fromstring(body)
    assert "66" in [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]


def test_suppressed_brand_badge_is_grey_n_under_min_n(app):
    status, _, body = call(app, "/api/badge/globex.svg")
    assert status == 200
    assert "n<3" in [t.text for t in ET.fromstring(body).iter("{http://www.w3.org/2000/svg}text")]
    assert_public(body)


def test_cors_preflight_is_answered(app):
    status, headers, _ = call(app, "/api/index.json", method="OPTIONS")
    assert status == 204 and headers["access-control-allow-origin"] == "*"
    assert "GET" in headers["access-control-allow-methods"]


def test_methodology_json(app):
    status, _, body = call(app, "/api/methodology.json")
    assert status == 200 and json.loads(body)["version"] == "1.0"


def test_broken_config_is_a_503_json_error_not_a_traceback(app, tmp_path):
    (tmp_path / "data" / "chi.toml").write_text("[weights\n")
    status, _, body = call(app, "/api/index.json")
    assert status == 503 and "configuration" in json.loads(body)["error"]


def test_empty_data_dir_gives_an_empty_board(tmp_path, monkeypatch):
    monkeypatch.setenv("CHI_DATA", str(tmp_path / "nothing"))
    app = Router(routes=api.routes(api.Feed()))
    status, _, body = call(app, "/api/index.json")
    assert status == 200 and json.loads(body)["brands"] == []


@pytest.mark.parametrize("path", ["/api/nothing", "/api/index.xml", "/api/brands/acme/extra"])
def test_an_unknown_api_path_is_a_json_404_not_the_app(app, path):
    status, headers, body = call(app, path)
    assert status == 404
    assert headers["content-type"].startswith("application/json")
    error = json.loads(body)["error"]
    assert error.startswith("no such feed:") and "/api/index.json" in error
