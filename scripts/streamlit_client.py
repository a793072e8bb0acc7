"""A minimal Streamlit client at the websocket level, for load tests and HTTP tests.

    from streamlit_client import script_run, upload_attempt   # with scripts/ on sys.path

    run = asyncio.run(script_run("http://localhost:8501", "board"))
    run.session_id, run.seconds, run.html   # the session, connect -> script finished

`script_run` does what a browser does on a first visit, minus rendering: it opens
`/_stcore/stream` (subprotocol "streamlit"), asks for one run of a page (a BackMsg
`rerun_script` with the page's url path and query string) and reads the ForwardMsgs
until `script_finished`. `seconds` is the time from opening the websocket to that
message: the server's cost of one session's script run, measured without a browser.

`upload_attempt` PUTs a small file to `/_stcore/upload_file/<session>/<id>` the way
the file uploader does (the XSRF cookie from /_stcore/health and its token in X-Xsrftoken) for
a session opened by `script_run`, and returns the HTTP status (204 when accepted).

Uses the Streamlit protobufs and the `websockets` package Streamlit already depends on.
"""

from __future__ import annotations

import asyncio
import http.client
import time
import uuid
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

STREAM_PATH = "/_stcore/stream"
XSRF_COOKIE = "_streamlit_xsrf"


@dataclass
class ScriptRun:
    session_id: str
    seconds: float  # websocket opened -> script_finished received
    status: str  # the script_finished status name
    deltas: int
    html: list[str] = field(default_factory=list)  # the st.html bodies, in order

    @property
    def ok(self) -> bool:
        return self.status == "FINISHED_SUCCESSFULLY"


def _ws_url(base_url: str) -> str:
    parts = urlsplit(base_url)
    scheme = "wss" if parts.scheme == "https" else "ws"
    return f"{scheme}://{parts.netloc}{parts.path.rstrip('/')}{STREAM_PATH}"


async def script_run(
    base_url: str, page: str = "", query: str = "", timeout_s: float = 60.0
) -> ScriptRun:
    """Open a session, run `page` (its url path, "" for the default page) once, close."""
    started = time.perf_counter()
    origin = base_url.rstrip("/")
    async with websockets.connect(
        _ws_url(base_url),
        subprotocols=["streamlit"],
        origin=origin,
        max_size=None,
        open_timeout=timeout_s,
    ) as ws:
        msg = BackMsg()
        msg.rerun_script.query_string = query
        msg.rerun_script.page_name = page
        msg.rerun_script.context_info.url = f"{origin}/{page}" + (f"?{query}" if query else "")
        await ws.send(msg.SerializeToString())
        session_id, deltas, html = "", 0, []
        async with asyncio.timeout(timeout_s):
            while True:
                forward = ForwardMsg()
                forward.ParseFromString(await ws.recv())
                kind = forward.WhichOneof("type")
                if kind == "new_session":
                    session_id = forward.new_session.initialize.session_id
                elif kind == "delta":
                    deltas += 1
                    element = forward.delta.new_element
                    if element.WhichOneof("type") == "html":
                        html.append(element.html.body)
                elif kind == "script_finished":
                    status = ForwardMsg.ScriptFinishedStatus.Name(forward.script_finished)
                    if status == "FINISHED_EARLY_FOR_RERUN":
                        continue  # st.navigation may rerun once; wait for the real end
                    return ScriptRun(
                        session_id, time.perf_counter() - started, status, deltas, html
                    )


def _connection(base_url: str) -> http.client.HTTPConnection:
    parts = urlsplit(base_url)
    return http.client.HTTPConnection(parts.hostname or "localhost", parts.port or 80, timeout=30)


def xsrf_cookie(base_url: str) -> str | None:
    """The XSRF cookie a browser gets from the health check (None when XSRF is off)."""
    con = _connection(base_url)
    try:
        con.request("GET", "/_stcore/health")
        response = con.getresponse()
        response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie" and value.startswith(XSRF_COOKIE + "="):
                return value.split(";", 1)[0].split("=", 1)[1]
    finally:
        con.close()
    return None


async def _hold_session_and_upload(base_url: str, payload: bytes) -> int:
    """Keep a session open (as a browser tab does) while PUTting a file for it."""
    origin = base_url.rstrip("/")
    async with websockets.connect(
        _ws_url(base_url), subprotocols=["streamlit"], origin=origin, max_size=None
    ) as ws:
        msg = BackMsg()
        msg.rerun_script.page_name = ""
        await ws.send(msg.SerializeToString())
        session_id = ""
        async with asyncio.timeout(60):
            while not session_id:
                forward = ForwardMsg()
                forward.ParseFromString(await ws.recv())
                if forward.WhichOneof("type") == "new_session":
                    session_id = forward.new_session.initialize.session_id
        return await asyncio.to_thread(_put_file, base_url, session_id, payload)


def _put_file(base_url: str, session_id: str, payload: bytes) -> int:
    cookie = xsrf_cookie(base_url)
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="probe.csv"\r\nContent-Type: text/csv\r\n\r\n'
        ).encode()
        + payload
        + f"\r\n--{boundary}--\r\n".encode()
    )
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    if cookie:
        headers["Cookie"] = f"{XSRF_COOKIE}={cookie}"
        headers["X-Xsrftoken"] = cookie
    con = _connection(base_url)
    try:
        con.request("PUT", f"/_stcore/upload_file/{session_id}/{uuid.uuid4().hex}", body, headers)
        response = con.getresponse()
        response.read()
        return response.status
    finally:
        con.close()


def upload_attempt(base_url: str, payload: bytes = b"id,text\n1,hello\n") -> int:
    """The HTTP status of a file-uploader PUT from a live session of the app."""
    return asyncio.run(_hold_session_and_upload(base_url, payload))
