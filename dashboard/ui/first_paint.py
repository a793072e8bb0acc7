"""A new visit's charts, shown at once: drawn as images on the server first, with
Plotly's charts drawn over them once the browser has painted the images.

Streamlit's browser code loads Plotly's script (4.7 MB; compiling it is one task of
0.7-1.7 s on the bench machines, during which nothing else draws) only when a visit's
first Plotly chart arrives. So the visit's first run of a page that draws charts
(PAINTING) sends each chart as an image of its figure (charts/first_paint.py: the same
data, axes, colours, title and legend; no hover) and, at its end, a fragment holding a
small script that, once the browser has painted the images, starts loading Plotly's
script and asks for the fragment's next run. That run (PAINTED) computes nothing: it
sends the Plotly charts, each in its image's grid cell, on top of it. So the reader
sees every chart as soon as its figures are computed and can hover it once Plotly's
script has run (issue 19, item 3; docs/BENCHMARKS.md, "The first chart"). Later full
runs (DONE) send Plotly's charts alone; an embed (`?embed=true`) never gets images, and
a figure the image drawing does not cover goes to Plotly at once.

Every chart sits in the same two-slot container on every run (an image slot, then the
chart), so the chart keeps its place in the page's element tree from run to run and
is updated, not drawn anew.
"""

from __future__ import annotations

import base64
import functools
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import streamlit
import streamlit as st

from dashboard.charts.first_paint import PLOTLY_HEIGHT, WIDTH, first_paint_svg

KEY = "chi_first_paint"
STATE = "_chi_first_paint"  # session state: where this visit is (below)
PAINTING, PAINTED, DONE = "painting", "painted", "done"
_COUNT = "_chi_first_paint_count"  # session state: charts drawn so far in this run
# session state: this run's charts drawn as images, (container, figure, config, kwargs)
_DEFERRED = "_chi_first_paint_charts"

# after the browser's next paint (a frame, then a task), ask for the fragment run that
# draws Plotly's charts, and meanwhile load and compile Plotly's script (the very file
# Streamlit's own code imports, so it is compiled once)
_AFTER_PAINT_JS = """
export default function (component) {
    const { data, setTriggerValue } = component;
    requestAnimationFrame(() => setTimeout(() => {
        setTriggerValue("painted", true);
        if (data && data.script) {
            import(new URL(data.script, document.baseURI).href).catch(() => {});
        }
    }, 0));
}
"""
_after_paint = st.components.v2.component(f"{KEY}_after_paint", js=_AFTER_PAINT_JS)


def begin(page_has_charts: bool) -> None:
    """Start a full run: a visit's first run of a page with charts paints images first."""
    st.session_state[_COUNT] = 0
    st.session_state[_DEFERRED] = []
    if st.session_state.get(STATE) == PAINTED:
        st.session_state[STATE] = DONE
    if st.session_state.get(STATE) is None and page_has_charts and not st.context.is_embedded:
        st.session_state[STATE] = PAINTING


def plotly_chart(figure: go.Figure, config: dict, share: float = 1.0, **kwargs: Any) -> Any:
    """st.plotly_chart of `figure` in its two-slot container, with its image under it
    while the visit paints images first (`share`: the part of the page's width its
    column takes, so the image's text is drawn at its size); returns the chart's
    selection state (None while only the image is drawn: a first run has none)."""
    painting = st.session_state.get(STATE) == PAINTING
    count = st.session_state.get(_COUNT, 0)
    st.session_state[_COUNT] = count + 1
    key = f"{KEY}_{count}"
    box = st.container(key=key)
    svg = first_paint_svg(figure, round(WIDTH * share)) if painting else None
    height = int(figure.layout.height or PLOTLY_HEIGHT)
    slot = _image(svg, height) if svg else f'<div class="{KEY}_slot"></div>'
    box.html(_overlay_css(key) + slot)
    if not painting:
        return box.plotly_chart(figure, config=config, **kwargs)
    # a figure with no image waits too: drawn now, it would load Plotly's script and
    # hold up every image after it
    st.session_state[_DEFERRED].append((box, figure, config, kwargs))
    return None


def finish() -> None:
    """End a full run: after painting images, the part that draws their charts."""
    if st.session_state.get(STATE) == PAINTING and st.session_state.get(_DEFERRED):
        _charts_after_paint()


@st.fragment
def _charts_after_paint() -> None:
    # first (in the full run): the script that asks for this fragment's next run once
    # the browser has painted; then (that run, PAINTED) Plotly's charts over their
    # images. Only this fragment runs: the page is not computed again.
    charts = st.session_state.get(_DEFERRED) or []
    if st.session_state.get(STATE) == PAINTING:
        for box, *_ in charts:
            box.empty()  # the chart's place in its container, filled on the next run
        _after_paint(
            key=f"{KEY}_after_paint",
            data={"script": plotly_script()},
            on_painted_change=_painted,
        )
        return
    for box, figure, config, kwargs in charts:
        event = box.plotly_chart(figure, config=config, **kwargs)
        # a selection is for the page (a drill-down), not for this fragment
        if kwargs.get("on_select") == "rerun" and _has_selection(event):
            st.rerun(scope="app")


def _has_selection(event: Any) -> bool:
    try:
        return bool(event["selection"]["points"])
    except (KeyError, TypeError):
        return False


@functools.cache
def plotly_script() -> str | None:
    """The path (from the app's root) of the script Streamlit's browser code loads
    for Plotly charts, None if this Streamlit has none by that name."""
    found = sorted(
        (Path(streamlit.__file__).parent / "static" / "static" / "js").glob("PlotlyChart.*.js")
    )
    return f"static/js/{found[0].name}" if len(found) == 1 else None


def _painted() -> None:
    st.session_state[STATE] = PAINTED


def _overlay_css(key: str) -> str:
    # the image and the chart share one grid cell: the chart, drawn on white, covers
    # it; the chart's reserved place (an empty element) does not draw over the image
    return (
        f"<style>.st-key-{key} {{ display: grid !important; }} "
        f".st-key-{key} > div {{ grid-area: 1 / 1; }} "
        f".st-key-{key} [data-testid='stEmpty'] {{ display: none; }}</style>"
    )


def _image(svg: str, height: int) -> str:
    # Streamlit's HTML sanitiser keeps an <img> with a data URI, not inline <svg>
    data = base64.b64encode(svg.encode()).decode()
    return (
        f'<img class="{KEY}" alt="chart" src="data:image/svg+xml;base64,{data}" '
        f'style="display:block; width:100%; height:{height}px; object-fit:contain; '
        'object-position:left top">'
    )
