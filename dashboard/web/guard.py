"""What a public server (`chi serve --public`) refuses before Streamlit sees it.

The public board takes no input but `?brand=`, so the parts of Streamlit that accept
data or describe the server are closed to anonymous visitors:

- `/_stcore/upload_file/...` (the file_uploader's endpoint): 403, whatever the method.
  Streamlit accepts a PUT there from any open session and keeps the file in memory
  until the session ends (5 x 20 MB took a server from 274 to 376 MB); the public pages
  have no uploader, so nothing legitimate is refused. `chi serve --public` also sets
  `server.maxUploadSize` to 0 (dashboard/commands/serve.py) in case a route slips by.
- `/_stcore/metrics` (sessions, caches and memory of the process): 404.
- `/_stcore/agent/...` (Streamlit's agent API; off by default, and `chi serve --public`
  turns it off explicitly): 404.

A pure ASGI middleware (st.App(middleware=...), dashboard/server.py), so websockets and
every other route pass through untouched.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CORE = "/_stcore/"
REFUSED: dict[str, tuple[int, str]] = {  # path prefix under /_stcore/ -> status, reason
    "upload_file": (403, "uploads are not accepted on the public board"),
    "metrics": (404, "not found"),
    "agent": (404, "not found"),
}


def refusal(path: str) -> tuple[int, str] | None:
    """(status, reason) when a public server refuses `path`, else None. Matches
    `/_stcore/<name>` at any depth, so a `server.baseUrlPath` prefix changes nothing."""
    at = path.find(CORE)
    if at < 0:
        return None
    rest = path[at + len(CORE) :]
    for name, answer in REFUSED.items():
        if rest == name or rest.startswith(name + "/"):
            return answer
    return None


class PublicGuard:
    """Answers the refused paths itself; passes everything else to the app."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        answer = refusal(scope.get("path", "")) if scope["type"] == "http" else None
        if answer is None:
            await self.app(scope, receive, send)
            return
        status, reason = answer
        body = (json.dumps({"error": reason}) + "\n").encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"cache-control", b"no-store"),
        ]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
