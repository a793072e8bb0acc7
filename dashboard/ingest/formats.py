"""The format registry: `--format NAME` -> how to load a file and parse its rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from dashboard.ingest import contract, facebook_posts, tickets, twcs, twitter_json
from dashboard.ingest.model import Options, Parsed


@dataclass(frozen=True)
class Format:
    name: str
    description: str
    # one file -> its raw rows (original fields as text, `_row`, optional `_error`) and notes
    load: Callable[[Path, Options], tuple[pl.DataFrame, list[str]]]
    # the raw rows of all files of a run -> contract records
    parse: Callable[[pl.DataFrame, Options], Parsed]
    # a table format: --map can rename its columns
    tabular: bool = True
    # (raw column, the metric it feeds): the summary warns when rejected rows are skewed
    # on one of them (dashboard/ingest/skew.py)
    skew_fields: tuple[tuple[str, str], ...] = ()


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format(
            "csv",
            "CSV already in the contract's columns (interactions or audience)",
            contract.load_csv,
            contract.parse,
            skew_fields=contract.SKEW_FIELDS,
        ),
        Format(
            "parquet",
            "Parquet already in the contract's columns (interactions or audience)",
            contract.load_parquet,
            contract.parse,
            skew_fields=contract.SKEW_FIELDS,
        ),
        Format(
            "twcs",
            "Kaggle 'Customer Support on Twitter' (twcs.csv)",
            twcs.load,
            twcs.parse,
            skew_fields=(("inbound", "the response rate"),),
        ),
        Format(
            "twitter-json",
            "Twitter API v1.1 tweet arrays / JSON lines, or API v2 responses",
            twitter_json.load,
            twitter_json.parse,
            tabular=False,
        ),
        Format(
            "tickets",
            "Kaggle customer-support-tickets CSV",
            tickets.load,
            tickets.parse,
            skew_fields=tickets.SKEW_FIELDS,
        ),
        Format(
            "facebook-posts",
            "UCI Facebook page post metrics (per-post CSV)",
            facebook_posts.load,
            facebook_posts.parse,
        ),
    )
}
