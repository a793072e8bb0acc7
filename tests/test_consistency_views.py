"""Channel consistency as the user sees it: `chi report consistency`, the heatmap
and the page, over the hand-made worked example (min n 2 via <data>/chi.toml)."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.charts import consistency as charts_consistency
from dashboard.cli import main
from dashboard.views import consistency
from tests.conftest import write_rows
from tests.markdown_text import shown
from tests.test_consistency import MARCH, worked_example

PAGES = Path(__file__).resolve().parent.parent / "pages"


@pytest.fixture
def data_dir(tmp_path):
    path = tmp_path / "data"
    write_rows(path, "interactions", worked_example())
    (path / "chi.toml").write_text("min_n = 2\n")
    return path


def test_report_prints_one_row_per_brand_with_the_documented_columns(data_dir, capsys):
    assert main(["report", "consistency", "--data", str(data_dir), "--precision", "full"]) == 0
    out = capsys.readouterr().out
    assert (
        out.splitlines()[0]
        == "brand,conversations,below_min_n,channels,consistency,weakest_channel,gap"
    )
    [row] = list(csv.DictReader(io.StringIO(out)))
    assert (row["brand"], row["channels"], row["weakest_channel"]) == ("Acme", "2", "email")
    assert float(row["consistency"]) == pytest.approx(78.125)
    assert float(row["gap"]) == pytest.approx(31.875)


def test_report_by_channel_as_json_lists_every_channel_with_its_alert(data_dir, capsys):
    flags = ["--by-channel", "--format", "json", "--precision", "full"]
    assert main(["report", "consistency", "--data", str(data_dir), *flags]) == 0
    rows = {r["channel"]: r for r in json.loads(capsys.readouterr().out)}
    assert set(rows) == {"email", "phone", "twitter"}
    assert rows["email"]["alert"] is True
    assert rows["email"]["points_below_best"] == pytest.approx(31.875)
    assert rows["phone"]["below_min_n"] is True and rows["phone"]["points_below_best"] is None
    assert rows["twitter"]["p90_first_response_s"] == pytest.approx(
        5040.0, rel=0.01
    )  # within +-1 %: the sketch (docs/METRICS.md, "Percentiles")


def test_report_by_channel_keeps_the_public_column_name_index(data_dir, capsys):
    # the view frame calls it happiness_index; `chi report` is a public interface
    main(["report", "consistency", "--data", str(data_dir), "--by-channel", "--format", "json"])
    rows = {r["channel"]: r for r in json.loads(capsys.readouterr().out)}
    public = {
        "happiness_index": "index",
        "happiness_index_ci_low": "index_ci_low",
        "happiness_index_ci_high": "index_ci_high",
    }
    assert list(rows["twitter"]) == [public.get(c, c) for c in consistency.CHANNEL_COLUMNS]
    assert rows["twitter"]["index"] == pytest.approx(78.75)


def test_report_with_one_channel_leaves_score_gap_and_weakest_empty(data_dir, capsys):
    assert main(["report", "consistency", "--data", str(data_dir), "--channel", "email"]) == 0
    [row] = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert row == {
        "brand": "Acme",
        "conversations": "2",
        "below_min_n": "false",  # min n 2 in this data dir's chi.toml
        "channels": "1",
        "consistency": "",
        "weakest_channel": "",
        "gap": "",
    }


def test_report_outside_the_data_range_is_empty_not_an_error(data_dir, capsys):
    assert (
        main(
            [
                "report",
                "consistency",
                "--data",
                str(data_dir),
                "--from",
                "2025-06-01",
                "--to",
                "2025-06-30",
            ]
        )
        == 0
    )
    assert (
        capsys.readouterr().out.strip()
        == "brand,conversations,below_min_n,channels,consistency,weakest_channel,gap"
    )


def test_heatmap_never_colours_a_cell_under_min_n(make_db, config):
    min_n_2 = dataclasses.replace(config, min_n=2)
    channels = consistency.by_channel(make_db(worked_example()), min_n_2, MARCH)
    fig = charts_consistency.heatmap(channels, "happiness_index", 2)
    real, thin = fig.data
    phone = list(real.x).index("phone")
    # phone has 1 conversation: no value on the coloured layer, grey "n<2" on top,
    # its value and n on hover only
    assert real.z[0][phone] is None
    assert thin.z[0][phone] is not None and thin.text[0][phone] == "n<2"
    assert "n=1" in thin.customdata[0][phone] and "100.0" in thin.customdata[0][phone]
    email = list(real.x).index("email")
    assert real.z[0][email] == pytest.approx(46.875) and thin.z[0][email] is None


def test_heatmap_greys_satisfaction_resting_on_too_few_ratings(make_db, config):
    min_n_2 = dataclasses.replace(config, min_n=2)
    channels = consistency.by_channel(make_db(worked_example()), min_n_2, MARCH)
    real, thin = charts_consistency.heatmap(channels, "satisfaction", 2).data
    twitter, email = list(real.x).index("twitter"), list(real.x).index("email")
    # twitter's 100 rests on 1 rating (< 2): grey; email has no rating: "–", not 0
    assert real.z[0][twitter] is None and thin.text[0][twitter] == "n<2"
    assert "1 rated conversations" in thin.customdata[0][twitter]
    assert real.z[0][email] is None and thin.text[0][email] == "–"


def test_page_shows_scores_alerts_heatmap_and_journeys(data_dir, monkeypatch):
    monkeypatch.setenv("CHI_DATA", str(data_dir))
    app = AppTest.from_file(str(PAGES / "consistency.py"), default_timeout=30)
    app.run()
    assert not app.exception
    # heatmap, the brand's channel bars, (no switched conversation: no paths chart)
    assert len(app.get("plotly_chart")) == 2
    assert any("1 channel(s) score more than 15" in w.value for w in app.warning)
    assert any(
        "weakest channel is email, 31.9 points below twitter" in shown(m.value)
        for m in app.markdown
    )
    assert any("No conversation in this selection switched" in i.value for i in app.info)


def test_page_recolours_the_heatmap_by_the_linked_component(data_dir, monkeypatch):
    monkeypatch.setenv("CHI_DATA", str(data_dir))
    app = AppTest.from_file(str(PAGES / "consistency.py"), default_timeout=30)
    # the link carries the control's label
    app.query_params["metric"] = "Mood"
    app.run()
    assert not app.exception
    heatmap = json.loads(app.get("plotly_chart")[0].proto.spec)
    assert heatmap["data"][0]["name"] == "Mood"


def test_page_with_no_matching_conversations_says_so(data_dir, monkeypatch):
    monkeypatch.setenv("CHI_DATA", str(data_dir))
    app = AppTest.from_file(str(PAGES / "consistency.py"), default_timeout=30)
    app.query_params["channel"] = "chat"
    app.run()
    assert not app.exception
