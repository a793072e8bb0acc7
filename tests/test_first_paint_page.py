"""A new visit's charts shown at once (dashboard/ui/first_paint.py): the visit's first
run of a chart page sends images of its charts and the script that asks for Plotly's
charts once they are painted; the run it asks for draws Plotly's charts into the
images' cells; later runs draw Plotly's charts alone. The browser's side (images
painted first, Plotly's chart on top) is tests/test_pages_e2e.py; what it buys is
measured by `chi bench` (docs/BENCHMARKS.md)."""

from __future__ import annotations

import base64
from pathlib import Path

from streamlit.testing.v1 import AppTest

from dashboard.ui import first_paint
from tests.conftest import write_rows
from tests.test_overview import two_weeks

APP = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"


def _one_chart_page() -> None:
    import plotly.graph_objects as go
    import streamlit as st

    from dashboard.ui import first_paint

    first_paint.begin(st.session_state.get("page_has_charts", True))
    figure = go.Figure(go.Scatter(x=[1, 2], y=[1, 2], mode="lines"))
    figure.update_layout(height=300)
    first_paint.plotly_chart(figure, {})
    if st.session_state.get("then_painted"):
        # what the browser's trigger does: the fragment runs again, the visit painted
        st.session_state[first_paint.STATE] = first_paint.PAINTED
        first_paint._charts_after_paint()
    else:
        first_paint.finish()


def _images(app: AppTest) -> list[str]:
    """The SVG documents of the run's first-paint images."""
    found = []
    for element in app.get("html"):
        body = element.proto.body
        if f'class="{first_paint.KEY}"' in body:
            data = body.split("base64,", 1)[1].split('"', 1)[0]
            found.append(base64.b64decode(data).decode())
    return found


def _cell(app: AppTest):
    """The chart's container (the page's first block)."""
    return next(b for b in app.main.children.values() if b.type == "flex_container")


def _kinds_in(block) -> list[str]:
    """The element types in a block, depth first, blocks left out."""
    found = []
    for child in block.children.values():
        if isinstance(getattr(child, "children", None), dict):
            found += _kinds_in(child)
        else:
            found.append(child.type)
    return found


def test_a_visits_first_run_sends_the_chart_as_an_image_and_no_plotly_chart():
    app = AppTest.from_function(_one_chart_page, default_timeout=30).run()
    assert not app.exception
    (svg,) = _images(app)
    assert svg.startswith("<svg") and "<polyline" in svg
    assert 'viewBox="0 0 940 300"' in svg  # a full-width drawing, the figure's height
    assert not app.get("plotly_chart")
    assert app.session_state[first_paint.STATE] == first_paint.PAINTING
    # and the script that asks for Plotly's charts once the image is painted
    assert len(app.get("bidi_component")) == 1


def test_the_run_after_the_paint_draws_plotlys_chart_in_the_images_cell():
    app = AppTest.from_function(_one_chart_page, default_timeout=30)
    app.session_state["then_painted"] = True
    app.run()
    assert not app.exception
    # the image, then (in the fragment's wrapper) the chart over it
    assert [child.type for child in _cell(app).children.values()][0] == "html"
    assert _kinds_in(_cell(app)) == ["html", "plotly_chart"]
    assert len(_images(app)) == 1


def test_later_runs_draw_plotlys_chart_alone_in_the_same_cell():
    app = AppTest.from_function(_one_chart_page, default_timeout=30).run()
    app.session_state[first_paint.STATE] = first_paint.PAINTED  # the trigger fired
    app.run()
    assert app.session_state[first_paint.STATE] == first_paint.DONE
    assert not _images(app)
    assert [child.type for child in _cell(app).children.values()] == ["html", "plotly_chart"]
    assert not app.get("bidi_component")
    app.run()  # and stays so
    assert not _images(app) and len(app.get("plotly_chart")) == 1


def test_a_run_before_the_trigger_fired_paints_images_again():
    app = AppTest.from_function(_one_chart_page, default_timeout=30).run()
    app.run()  # the reader changed a filter before the browser had painted
    assert len(_images(app)) == 1 and not app.get("plotly_chart")


def test_a_page_without_charts_leaves_the_visit_to_its_first_chart_page():
    app = AppTest.from_function(_one_chart_page, default_timeout=30)
    app.session_state["page_has_charts"] = False
    app.run()
    assert first_paint.STATE not in app.session_state
    assert not _images(app) and len(app.get("plotly_chart")) == 1


def test_the_overview_through_the_router_paints_its_charts_first(tmp_path, monkeypatch):
    data_dir = tmp_path / "data"
    write_rows(data_dir, "interactions", two_weeks())
    (data_dir / "chi.toml").write_text("min_n = 1\n")
    monkeypatch.setenv("CHI_DATA", str(data_dir))
    app = AppTest.from_file(str(APP), default_timeout=60)
    app.query_params["from"] = "2025-03-10"
    app.query_params["to"] = "2025-03-16"
    app.run()
    assert not app.exception
    assert [t.value for t in app.title] == ["Executive overview"]
    (trend,) = _images(app)
    assert "Happiness index over time" in trend
    assert not app.get("plotly_chart")
    # once painted: the trend is Plotly's, in the same place
    app.session_state[first_paint.STATE] = first_paint.PAINTED
    app.run()
    assert not app.exception
    assert not _images(app) and len(app.get("plotly_chart")) == 1
