"""The agent leaderboard: per brand and agent, the happiness their customers end with.

Columns: brand, agent (agent_id as the source names them: the brand's own staff, so
this report is private and never part of a public output), rank (within the brand,
best vs_brand first, agents under min n last), conversations (conversations the agent
wrote in), first_responses (those where the agent wrote the first reply),
median_first_response_s with its 95 % interval, index with its 95 % interval, vs_brand
(index minus the index of every conversation of the brand a named agent wrote in) with
its 95 % interval, verdict ('above colleagues', 'below colleagues', 'in line with
colleagues' when the interval includes 0, 'no colleagues to compare with', 'too few
conversations for an interval', 'not enough data'), speed_vs_happiness, the
five components, colleague_conversations and below_min_n. Formulas: docs/METRICS.md,
"Agents and superfans".
"""

from __future__ import annotations

import argparse

import polars as pl

from dashboard.commands.common import add_filter_args, filters_from_args, open_connection
from dashboard.reports import public_names
from dashboard.views import people

COLUMNS: tuple[str, ...] = (
    "brand",
    "agent",
    "rank",
    "conversations",
    "first_responses",
    "median_first_response_s",
    "median_first_response_s_ci_low",
    "median_first_response_s_ci_high",
    "index",
    "vs_brand",
    "index_ci_low",
    "index_ci_high",
    "vs_brand_ci_low",
    "vs_brand_ci_high",
    "verdict",
    "speed_vs_happiness",
    "mood",
    "speed",
    "resolution",
    "effort",
    "satisfaction",
    "colleague_conversations",
    "below_min_n",
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_filter_args(parser)


def run(args: argparse.Namespace) -> pl.DataFrame:
    con, config = open_connection(args)
    filters = filters_from_args(args, con, config)
    board = people.leaderboard(con, config, filters)
    return public_names(board.agents.rename({"agent_id": "agent"})).select(COLUMNS)
