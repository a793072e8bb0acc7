"""Community superfans: the customers who answer other customers, and what it saves.

Columns: brand, peer (the author's pseudonym), answers (their peer messages, any
channel), conversations_answered (community conversations whose first response is
theirs), resolved (of those), median_first_response_s (over those with known times),
minutes_saved and cost_saved (conversations_answered times the config's [costs]
minutes_per_contact and cost_per_contact), currency, community_share with its 95 %
interval (their share of the brand's community conversations), community_conversations
and community_peer_answered (the brand's, answered first by any peer). Formulas:
docs/METRICS.md, "Agents and superfans".
"""

from __future__ import annotations

import argparse

import polars as pl

from dashboard.commands.common import add_filter_args, filters_from_args, open_connection
from dashboard.views import people

COLUMNS: tuple[str, ...] = (
    "brand",
    "peer",
    "answers",
    "conversations_answered",
    "resolved",
    "median_first_response_s",
    "minutes_saved",
    "cost_saved",
    "currency",
    "community_share",
    "community_share_ci_low",
    "community_share_ci_high",
    "community_conversations",
    "community_peer_answered",
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_filter_args(parser)


def run(args: argparse.Namespace) -> pl.DataFrame:
    con, config = open_connection(args)
    filters = filters_from_args(args, con, config)
    return people.superfans(con, config, filters).select(COLUMNS)
