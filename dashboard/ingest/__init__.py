"""Real-data importers (`chi ingest`): users' exports -> the data contract (docs/DATA.md).

    from dashboard.ingest import ingest_files, FORMATS
    summary = ingest_files([Path("twcs.csv")], "twcs", Path("data"))
    print("\\n".join(summary.lines()))

Modules: pipeline (the shared run), sources (the input files as batches of rows),
batch (one run, a batch at a time), formats (the registry), one module per format
(contract, twcs, twitter_json, tickets, facebook_posts), readers (encodings, CSV),
validate (contract checks), threads (reply threads), sentiment (VADER) of
customer_text (what the customer wrote), rescore (`chi rescore`), pseudonym.
"""

from dashboard.ingest.formats import FORMATS, Format
from dashboard.ingest.model import IngestError, IngestSummary, NoProgress, Options, Progress
from dashboard.ingest.pipeline import ingest_files

__all__ = [
    "FORMATS",
    "Format",
    "IngestError",
    "IngestSummary",
    "NoProgress",
    "Options",
    "Progress",
    "ingest_files",
]
