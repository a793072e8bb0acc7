"""Anything slower than half a second shows a status (issue 17, issue 19): every data
call of a page runs inside st.spinner, whose message Streamlit shows only when the block
takes longer than its DELAY_SECS (0.5 s), so a quick or cached call shows nothing."""

from __future__ import annotations

import contextlib

import streamlit as st
from streamlit.elements import spinner as streamlit_spinner
from streamlit.testing.v1 import AppTest

from dashboard.ui import shared
from tests.test_overview import PAGES, app_data

__all__ = ["app_data"]  # the fixture, used by name below


def test_streamlit_shows_a_spinner_message_only_after_half_a_second() -> None:
    assert streamlit_spinner.DELAY_SECS == 0.5


def test_every_data_call_of_the_overview_runs_under_the_status_message(
    app_data, monkeypatch
) -> None:
    asked: list[str] = []
    real = st.spinner

    @contextlib.contextmanager
    def recording(text: str = "", **kwargs):
        asked.append(text)
        with real(text, **kwargs):
            yield

    calls: list[str] = []
    real_call = shared._cached_call

    def counted(name: str, *args, **kwargs):
        calls.append(name)
        return real_call(name, *args, **kwargs)

    monkeypatch.setattr(st, "spinner", recording)
    monkeypatch.setattr(shared, "_cached_call", counted)
    app = AppTest.from_file(str(PAGES / "overview.py"), default_timeout=60)
    app.run()
    assert not app.exception
    # the overview's data calls: tiles, what moved it, trend, alerts, movers (and the
    # filters' bounds); each one under the status message
    assert len(calls) >= 5
    assert asked.count(shared.STATUS) >= len(calls)
