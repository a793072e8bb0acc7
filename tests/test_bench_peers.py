"""The peers of `chi bench` (pandas, Polars, DuckDB over the raw Parquet) compute the
product's numbers on every page's default view: on a hand-made log whose figures are
worked out below, and on a small generated demo. A ratio between two programs is only
worth printing when both computed the same thing."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from dashboard.bench import figures, peer_common, peers, runner
from dashboard.commands import bench as bench_command
from dashboard.core.config import Config, load_config
from dashboard.data import connection
from dashboard.views import public
from tests.conftest import at, message, write_rows

AUDIENCE = [
    {"brand": "Acme", "channel": "twitter", "date": dt.date(2025, 3, d), "followers": f}
    | {"posts": 2, "likes": 10, "comments": 4, "shares": 1}
    for d, f in ((3, 1000), (4, 1200))
]


def hand_made_log() -> list[dict]:
    """Six conversations of Acme, 2025-03-03 (Monday) to 03-08, each a rule:

    c1 twitter: answered by Ann after 30 min (within 1 h), thanked (+0.6), CSAT 5.
    c2 twitter: answered by Bob after 2 h (late), CSAT 2, mood -0.8.
    c3 twitter: never answered (timed: not within; not resolved), mood +0.2.
    c4 email: answered by Ann after 10 min and marked resolved, then "still broken"
       (-0.4): reopened, so not resolved (stayed_resolved); mood -0.4.
    c5 community: a peer answers after 5 min (counts on community), no mood.
    c6 twitter: an opening of unknown time answered at that time: answered, but not
       timed (no first response time); the newest message of the log.
    """
    return [
        message("c1", "inbound", at(0), sentiment=-0.5),
        message("c1", "outbound", at(30), agent_id="Ann"),
        message("c1", "inbound", at(40), sentiment=0.6, csat=5),
        message("c2", "inbound", at(0, days=1), sentiment=-0.8, csat=2),
        message("c2", "outbound", at(120, days=1), agent_id="Bob"),
        message("c3", "inbound", at(0, days=2), sentiment=0.2),
        message("c4", "inbound", at(0, days=3), channel="email", sentiment=-0.3),
        message("c4", "outbound", at(10, days=3), channel="email", agent_id="Ann", resolved=True),
        message("c4", "inbound", at(20, days=3), channel="email", sentiment=-0.4),
        message("c5", "inbound", at(0, days=4), channel="community"),
        message("c5", "peer", at(5, days=4), channel="community", author_id="fan-1"),
        message("c6", "inbound", at(0, days=5), time_known=False),
        message("c6", "outbound", at(0, days=5), agent_id="Bob"),
    ]


@pytest.fixture
def hand_made(tmp_path: Path) -> Path:
    data_dir = tmp_path / "data"
    write_rows(data_dir, "interactions", hand_made_log())
    write_rows(data_dir, "audience", [dict(r) for r in AUDIENCE])
    return data_dir


def _setup(data_dir: Path, config: Config) -> tuple:
    con = connection.connect(data_dir, config)
    filters = runner.default_filters(con.cursor(), config)
    board = figures.board_periods(public.board(con.cursor(), config))
    return con, filters, peer_common.peer_input(data_dir, config, filters, board)


def test_the_peers_compute_the_hand_worked_overview(hand_made: Path) -> None:
    config = dataclasses.replace(load_config(), min_n=1)
    _, _, given = _setup(hand_made, config)
    for kind in peers.PEERS:
        kpis = peers.run_peer(kind, "overview", given)["kpis"].row(0, named=True)
        assert kpis["conversations"] == 6
        assert kpis["response_rate"] == pytest.approx(100 * 5 / 6)  # all but c3
        # timed first responses 1800 (c1), 7200 (c2), 600 (c4), 300 (c5): median 1200
        assert kpis["first_response_s"] == pytest.approx(1200)
        # timed: c1..c5 (c6 unknown); within: c1, c4, c5
        assert kpis["speed"] == pytest.approx(60.0)
        # mood: mean of 0.6, -0.8, 0.2, -0.4 = -0.1 -> 45; resolved: c1, c2, c5 (proxy),
        # c6 (proxy) = 4/6; effortless 6/6; satisfied 1 of 2 rated
        # index = 0.3*45 + 0.2*60 + 0.2*66.667 + 0.1*100 + 0.2*50 = 58.833
        assert kpis["happiness_index"] == pytest.approx(13.5 + 12 + 40 / 3 + 10 + 10)


def test_every_peer_gives_the_products_figures_on_every_page(hand_made: Path) -> None:
    config = dataclasses.replace(load_config(), min_n=1, public_brands=("Acme",))
    con, filters, given = _setup(hand_made, config)
    for page in peer_common.PAGES:
        mine = figures.product_figures(page, con.cursor(), config, filters)
        for kind in peers.PEERS:
            assert figures.disagreements(mine, peers.run_peer(kind, page, given)) == [], (
                page,
                kind,
            )


def test_the_people_peer_counts_each_agent_with_their_own_first_responses(
    hand_made: Path,
) -> None:
    config = dataclasses.replace(load_config(), min_n=1)
    _, _, given = _setup(hand_made, config)
    agents = peers.run_peer("polars", "people", given)["agents"].sort("agent_id")
    # Ann wrote in c1 and c4 (first replies after 1800 s and 600 s: median 1200);
    # Bob in c2 (7200 s) and c6 (unknown time: no first response time)
    assert agents.select("agent_id", "conversations", "median_first_response_s").rows() == [
        ("Ann", 2, 1200.0),
        ("Bob", 2, 7200.0),
    ]


def test_a_peer_with_another_rule_is_reported_as_different(hand_made: Path) -> None:
    config = dataclasses.replace(load_config(), min_n=1)
    con, filters, given = _setup(hand_made, config)
    mine = figures.product_figures("overview", con.cursor(), config, filters)
    # a peer weighting mood 0.4 instead of 0.3: its index differs
    other = dataclasses.replace(given, weights={**given.weights, "mood": 0.4})
    for kind in ("polars", "duckdb_raw"):
        found = figures.disagreements(mine, peers.run_peer(kind, "overview", other))
        assert any(line.startswith("kpis.happiness_index") for line in found), kind
    later = dataclasses.replace(given, date_from=given.date_from + dt.timedelta(days=400))
    found = figures.disagreements(mine, peers.run_peer("pandas", "overview", later))
    assert any(line.startswith("kpis.conversations") for line in found)


def test_every_peer_agrees_with_the_product_on_a_generated_demo(tmp_path: Path) -> None:
    data_dir = tmp_path / "demo"
    runner.ensure_data(data_dir, 6000, 11)
    config = load_config(data_dir)
    con = connection.connect(data_dir, config)
    filters = runner.default_filters(con.cursor(), config)
    timings = peers.measure_peers(data_dir, config, filters, con, runs=1)
    assert [t.page for t in timings] == list(peer_common.PAGES)
    for timing in timings:
        assert set(timing.ms) == set(peers.PEERS)
        assert all(found == [] for found in timing.disagreements.values()), timing


def test_a_sketched_median_is_the_peers_within_alpha_and_different_beyond() -> None:
    def kpis(median_s: float) -> dict[str, pl.DataFrame]:
        return {
            "kpis": pl.DataFrame(
                {
                    "conversations": [6],
                    "response_rate": [80.0],
                    "first_response_s": [median_s],
                    "speed": [60.0],
                    "happiness_index": [58.5],
                }
            )
        }

    exact = kpis(1200.0)
    # alpha 0.01: 1 % of 1200 s is 12 s; 1211 s is within it, 1213 s is not
    assert figures.disagreements(kpis(1211.0), exact, 0.01) == []
    assert figures.disagreements(kpis(1213.0), exact, 0.01) == [
        "kpis.first_response_s row 0: 1213.0 against the peer's 1200.0"
    ]
    # every other figure stays exact to 1e-6: a count one off differs
    off = kpis(1200.0)
    off["kpis"] = off["kpis"].with_columns(pl.lit(7).alias("conversations"))
    assert figures.disagreements(off, exact, 0.01) != []


def test_only_the_chosen_peers_run_and_the_table_says_which_did_not(hand_made: Path) -> None:
    config = dataclasses.replace(load_config(), min_n=1, public_brands=("Acme",))
    con, filters, _ = _setup(hand_made, config)
    timings = peers.measure_peers(hand_made, config, filters, con, runs=1, kinds=("polars",))
    assert [t.page for t in timings] == list(peer_common.PAGES)
    for timing in timings:
        assert set(timing.ms) == {"polars"}
        assert timing.disagreements == {"polars": []}
    assert bench_command._peer_cell(timings[0], "pandas") == "not run (--peers)"
    assert bench_command._peer_names("polars, pandas") == ("polars", "pandas")
    with pytest.raises(argparse.ArgumentTypeError, match="unknown peer spark"):
        bench_command._peer_names("polars,spark")
