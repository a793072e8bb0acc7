"""`agent_id`: who on the brand's side wrote an outbound message (docs/DATA.md).

The signature rule (dashboard/ingest/signatures.py) on hand-written texts, then every
importer on tiny hand-made files: twcs and twitter-json read the signature of brand
replies only, csv/parquet the column (or `--map agent_id=COLUMN`), tickets an assignee
column; an agent on an inbound row is rejected with its reason; the value is stored
as given (trimmed), never pseudonymised; re-importing stays a duplicate.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.cli import main
from dashboard.ingest import IngestError, IngestSummary, ingest_files, signatures
from dashboard.ingest.customer_text import customer_words
from dashboard.ui.upload import mapping_from_text
from tests.conftest import at, message, write_rows
from tests.markdown_text import shown

SIGNED = [
    ("Sorry to hear that -KC", "KC"),
    ("We can help with that ^JK", "JK"),
    ("Please DM us your order number ^HSB", "HSB"),
    ("Please DM us - KC", "KC"),
    ("Have a look here ^JK https://t.co/xyz", "JK"),  # before a trailing link
    ("Two links follow ^ML  https://t.co/a https://t.co/b", "ML"),
    ("Keep us posted /MU", "MU"),  # SpotifyCares' slash
    ("Kind Regards ^Jools", "Jools"),  # a name after a caret, as written
    ("we'll fix it ^jk", "JK"),  # initials are stored in upper case
    ("Thanks - Mike", "Mike"),  # Tesco: a name after a thanks word
    ("This should fix the issue :) - Dani", "Dani"),  # ... or after an emoticon
    ("Thanks - Lee 2/2", "Lee"),  # before a part counter
    ("We're sorry for the delay. 2/2 ^JR", "JR"),  # after one
    ("Thanks \u2014 Anna", "Anna"),  # an em dash
]
UNSIGNED = [
    "Send us a DM so we can look into this together. https://t.co/GDrqU22YpT",
    "The A-B route is closed",  # a hyphenated word
    "Our stores reopen after COVID -19",  # digits are no initials
    "due to COVID-19",
    "We're open 24/7",
    "it's great -NOT",  # a word in capitals after a dash
    "answer me -NO",
    "so bad -LOL",
    "call us - UK",
    "Thanks - Great",  # a word VADER scores is no name
    "Thanks - Regards",
    "Sorry - Monday",
    "for you - Mike",  # a name needs punctuation or a thanks word before the dash
    "making underage sales. Amanda",  # no mark: not taken (a miss, not a guess)
    "DM us please. *TJ",  # not a form the real data uses
    "Reply soon -JP.",  # a signature is last
    "Hi there ^^",
]


@pytest.mark.parametrize(("text", "agent"), SIGNED)
def test_a_signed_reply_gives_its_agent(text: str, agent: str) -> None:
    assert signatures.signature(text) == agent


@pytest.mark.parametrize("text", UNSIGNED)
def test_an_unsigned_text_gives_no_agent(text: str) -> None:
    assert signatures.signature(text) is None


def test_the_column_rule_and_the_single_text_rule_agree() -> None:
    texts = [t for t, _ in SIGNED] + UNSIGNED + [None, ""]
    column = pl.DataFrame({"text": texts}, schema={"text": pl.String})
    got = column.select(signatures.agent_expr(pl.col("text")).alias("a"))["a"].to_list()
    assert got == [signatures.signature(t) for t in texts]


def test_sentiment_cleaning_removes_the_same_sign_offs() -> None:
    # links are removed before the sign-off, so "^JK <link>" ends in "^JK"
    assert customer_words("Have a look here ^JK https://t.co/xyz") == "Have a look here"
    assert customer_words("Please DM us - KC") == "Please DM us"
    assert customer_words("Thanks - Mike") == "Thanks"
    assert customer_words("of age. - Paige") == "of age."
    # what is no signature stays the customer's words
    assert customer_words("it's great -NOT") == "it's great -NOT"
    assert customer_words("Thanks - Great") == "Thanks - Great"


def test_a_name_that_is_the_brand_is_no_agent() -> None:
    frame = pl.DataFrame(
        {"text": ["Thanks - Tesco", "Thanks - Mike"], "direction": ["outbound", "outbound"]}
    )
    got = frame.select(
        signatures.brand_agents(pl.col("text"), pl.col("direction"), pl.lit("Tesco")).alias("a")
    )
    assert got["a"].to_list() == [None, "Mike"]


# --- importers ----------------------------------------------------------------------


def run(paths: list[Path], fmt: str, data_dir: Path, **options) -> IngestSummary:
    summary = ingest_files(paths, fmt, data_dir, **options)
    assert (
        summary.accepted + summary.rejected_total + summary.duplicates_skipped == summary.rows_read
    ), "a row was lost"
    return summary


def agents(data_dir: Path) -> dict[str, str | None]:
    frame = pl.read_parquet(data_dir / "interactions" / "**" / "*.parquet")
    return dict(frame.select("interaction_id", "agent_id").iter_rows())


TWCS_HEADER = "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id"
WHEN = "Mon Mar 03 09:{:02d}:00 +0000 2025"
TWCS_ROWS = [
    # (id, author, inbound, text, parent)
    ("1", "cust_a", "True", "@AcmeHelp my parcel is late -KC", ""),  # a customer: no agent
    ("2", "AcmeHelp", "False", "@cust_a Sorry to hear that -KC", "1"),
    ("3", "cust_a", "True", "@AcmeHelp still nothing ^JK", "2"),  # a customer again
    ("4", "AcmeHelp", "False", "@cust_a Please DM us ^JK https://t.co/xyz", "3"),
    ("5", "AcmeHelp", "False", "@cust_a We've sent a new one - KC", "3"),
    ("6", "cust_b", "True", "@AcmeHelp the A-B route parcel?", ""),
    ("7", "AcmeHelp", "False", "@cust_b The A-B route is closed", "6"),  # unsigned
    ("8", "AcmeHelp", "False", "@cust_b Thanks - Acme", "6"),  # the brand's own name
    ("9", "AcmeHelp", "False", "@cust_b Kind regards ^HSB", "6"),
]


def twcs_file(tmp_path: Path) -> Path:
    lines = [TWCS_HEADER] + [
        f'{tid},{author},{inbound},{WHEN.format(i)},"{text}",,{parent}'
        for i, (tid, author, inbound, text, parent) in enumerate(TWCS_ROWS)
    ]
    path = tmp_path / "twcs.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_twcs_brand_replies_carry_their_signature_and_customers_never(tmp_path):
    summary = run([twcs_file(tmp_path)], "twcs", tmp_path / "data")
    assert agents(tmp_path / "data") == {
        "1": None,  # inbound, although it ends like a signature
        "2": "KC",
        "3": None,
        "4": "JK",
        "5": "KC",
        "7": None,
        "8": None,  # "- Acme": the brand, not an agent
        "6": None,
        "9": "HSB",
    }
    # 6 brand replies (2, 4, 5, 7, 8, 9), 4 signed (2, 4, 5, 9) by KC, JK and HSB
    assert "agents: 4 of the 6 new brand replies name their agent (3 agents)" in summary.lines()


def test_twcs_reimport_is_a_duplicate_and_keeps_the_agents(tmp_path):
    path = twcs_file(tmp_path)
    run([path], "twcs", tmp_path / "data")
    again = run([path], "twcs", tmp_path / "data")
    assert (again.accepted, again.duplicates_skipped) == (0, 9)
    assert agents(tmp_path / "data")["2"] == "KC"


def v1_tweet(tid: str, handle: str, text: str, reply_to: str | None = None) -> dict:
    return {
        "id_str": tid,
        "created_at": "Mon Mar 03 09:00:00 +0000 2025",
        "user": {"screen_name": handle, "followers_count": 10},
        "text": text,
        "in_reply_to_status_id_str": reply_to,
    }


def test_twitter_json_signs_the_brands_tweets_only(tmp_path):
    tweets = [
        v1_tweet("10", "cust_a", "@AcmeHelp my parcel ^JK"),
        v1_tweet("11", "AcmeHelp", "@cust_a On it! ^JK https://t.co/x", "10"),
        v1_tweet("12", "AcmeHelp", "@cust_a All sorted now", "10"),
    ]
    path = tmp_path / "tweets.json"
    path.write_text(json.dumps(tweets), encoding="utf-8")
    summary = run([path], "twitter-json", tmp_path / "data", brand="AcmeHelp")
    assert agents(tmp_path / "data") == {"10": None, "11": "JK", "12": None}
    assert "agents: 1 of the 2 new brand replies name their agent (1 agents)" in summary.lines()


CONTRACT_HEADER = "interaction_id,conversation_id,brand,channel,direction,author_id,created_at"


def contract_file(tmp_path: Path, agent_header: str, rows: list[tuple[str, str, str]]) -> Path:
    """rows: (id, direction, agent) in one conversation c1 of Acme."""
    lines = [f"{CONTRACT_HEADER},{agent_header}"] + [
        f"{iid},c1,Acme,chat,{direction},{'acme' if direction == 'outbound' else 'cust'},"
        f"2025-03-03T09:0{i}:00Z,{agent}"
        for i, (iid, direction, agent) in enumerate(rows)
    ]
    path = tmp_path / "export.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_contract_agent_id_is_stored_as_given_and_not_pseudonymised(tmp_path):
    path = contract_file(
        tmp_path,
        "agent_id",
        [("m1", "inbound", ""), ("m2", "outbound", "  kc.smith "), ("m3", "outbound", "")],
    )
    summary = run([path], "csv", tmp_path / "data")
    assert summary.rejected_total == 0
    # trimmed, case and dots kept; no "u-" pseudonym (the customer's author id got one)
    assert agents(tmp_path / "data") == {"m1": None, "m2": "kc.smith", "m3": None}
    frame = pl.read_parquet(tmp_path / "data" / "interactions" / "**" / "*.parquet")
    assert frame.filter(pl.col("interaction_id") == "m1")["author_id"][0].startswith("u-")


def test_an_agent_on_an_inbound_or_peer_row_is_rejected_with_the_reason(tmp_path):
    path = contract_file(
        tmp_path,
        "agent_id",
        [("m1", "inbound", "KC"), ("m2", "outbound", "KC"), ("m3", "peer", "JK")],
    )
    summary = run([path], "csv", tmp_path / "data")
    inbound = (
        "column 'agent_id': set on a message with direction inbound: only outbound "
        "messages (the brand's replies) have an agent"
    )
    assert summary.rejected == {inbound: 1, inbound.replace("inbound:", "peer:"): 1}
    rejects = pl.read_csv(summary.rejects_files[0], infer_schema=False)
    # rows count data records from 1: m1 is row 1, m3 row 3; the original fields are kept
    assert rejects.select("row", "interaction_id", "agent_id").rows() == [
        ("1", "m1", "KC"),
        ("3", "m3", "JK"),
    ]
    assert agents(tmp_path / "data") == {"m2": "KC"}


def test_map_agent_id_reads_the_agent_from_another_column(tmp_path):
    path = contract_file(tmp_path, "assignee", [("m1", "inbound", ""), ("m2", "outbound", "JK")])
    summary = run([path], "csv", tmp_path / "data", mapping={"agent_id": "assignee"})
    assert summary.rejected_total == 0
    assert agents(tmp_path / "data") == {"m1": None, "m2": "JK"}


def test_cli_map_agent_id(tmp_path, capsys):
    path = contract_file(tmp_path, "assignee", [("m1", "inbound", ""), ("m2", "outbound", "JK")])
    data = tmp_path / "data"
    args = ["ingest", str(path), "--format", "csv", "--map", "agent_id=assignee"]
    assert main([*args, "--data", str(data)]) == 0
    assert "agents: 1 of the 1 new brand replies name their agent (1 agents)" in (
        capsys.readouterr().out
    )
    assert agents(data) == {"m1": None, "m2": "JK"}


def test_the_upload_pages_mapping_field_reads_like_map() -> None:
    assert mapping_from_text("agent_id=assignee, created_at = sent_at\n") == {
        "agent_id": "assignee",
        "created_at": "sent_at",
    }
    assert mapping_from_text("  ") == {}
    with pytest.raises(IngestError, match="--map 'assignee': expected contract_column="):
        mapping_from_text("assignee")


def _upload_with_mapping(path: str, data_dir: str) -> None:
    """An AppTest script: the upload glue on one file with a mapping (runs in Streamlit)."""
    from pathlib import Path

    from dashboard.ui import upload as ui_upload

    class Upload:  # what st.file_uploader returns: a name, a size, the bytes
        name = Path(path).name
        size = Path(path).stat().st_size

        def getvalue(self) -> bytes:
            return Path(path).read_bytes()

    ui_upload.import_uploads([Upload()], "csv", Path(data_dir), mapping_text="agent_id=assignee")


def test_upload_glue_passes_the_mapping_to_the_importer(tmp_path):
    path = contract_file(tmp_path, "assignee", [("m1", "inbound", ""), ("m2", "outbound", "JK")])
    data = tmp_path / "data"
    app = AppTest.from_function(
        _upload_with_mapping, args=(str(path), str(data)), default_timeout=60
    )
    app.run()
    assert not app.exception and not app.error
    assert agents(data) == {"m1": None, "m2": "JK"}


def test_an_upload_with_a_broken_mapping_imports_nothing(tmp_path):
    def script() -> None:
        from pathlib import Path

        from dashboard.ui import upload as ui_upload

        ui_upload.import_uploads([], "csv", Path("unused"), mapping_text="assignee")

    app = AppTest.from_function(script, default_timeout=60)
    app.run()
    assert [shown(e.value) for e in app.error] == [  # the message escaped: the text shown
        "Nothing was imported: --map 'assignee': expected contract_column=source_column"
    ]


def test_the_same_id_with_another_agent_in_one_run_is_rejected(tmp_path):
    # the same reply twice, word for word but for its agent: a conflict, not a repeat
    row = "m1,c1,Acme,chat,outbound,acme,2025-03-03T09:00:00Z,{}"
    path = tmp_path / "export.csv"
    lines = [f"{CONTRACT_HEADER},agent_id", row.format("KC"), row.format("KC"), row.format("JK")]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    summary = run([path], "csv", tmp_path / "data")
    assert summary.duplicates_skipped == 1  # the second row repeats the first exactly
    assert summary.rejected == {
        "column 'interaction_id': same id as an earlier row but different content": 1
    }
    assert agents(tmp_path / "data") == {"m1": "KC"}


TICKETS_HEADER = (
    "Ticket ID,Ticket Status,Ticket Channel,First Response Time,Time to Resolution,"
    "Ticket Subject,Ticket Description,Resolution,Customer Email"
)


def tickets_file(tmp_path: Path, agent_header: str | None) -> Path:
    extra_header = f",{agent_header}" if agent_header else ""
    rows = [
        ("1", "Closed", "2025-03-03 10:00:00", "2025-03-03 12:00:00", " Kim Lee "),
        ("2", "Open", "2025-03-03 11:00:00", "", ""),
    ]
    lines = [TICKETS_HEADER + extra_header] + [
        f"{tid},{status},Email,{first},{resolved},Broken,It broke,Replaced,c{tid}@example.com"
        + (f",{agent}" if agent_header else "")
        for tid, status, first, resolved, agent in rows
    ]
    path = tmp_path / "tickets.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_tickets_assignee_signs_the_reply_and_the_closing_not_the_opening(tmp_path):
    summary = run([tickets_file(tmp_path, "Assignee")], "tickets", tmp_path / "data", brand="Acme")
    assert agents(tmp_path / "data") == {
        "Acme:ticket-1:open": None,
        "Acme:ticket-1:reply": "Kim Lee",
        "Acme:ticket-1:close": "Kim Lee",
        "Acme:ticket-2:open": None,
        "Acme:ticket-2:reply": None,  # no assignee given
    }
    assert any("from the column 'Assignee'" in note for note in summary.notes)
    # 3 outbound events (1:reply, 1:close, 2:reply), 2 with an agent, 1 agent
    assert "agents: 2 of the 3 new brand replies name their agent (1 agents)" in summary.lines()


def test_tickets_without_an_agent_column_leave_agent_id_null(tmp_path):
    summary = run([tickets_file(tmp_path, None)], "tickets", tmp_path / "data", brand="Acme")
    assert set(agents(tmp_path / "data").values()) == {None}
    assert (
        "agents: none of the 3 new brand replies names its agent (unsigned, or the source "
        "has no agent column)"
    ) in summary.lines()


def test_tickets_map_agent_id_names_any_column(tmp_path):
    run(
        [tickets_file(tmp_path, "Owner")],
        "tickets",
        tmp_path / "data",
        brand="Acme",
        mapping={"agent_id": "Owner"},
    )
    assert agents(tmp_path / "data")["Acme:ticket-1:close"] == "Kim Lee"


def test_rescore_rewrites_a_file_and_keeps_its_agent_ids(tmp_path):
    # "@united my flight was delayed" stored with VADER's raw score 0.2263 (chi's, before
    # the cleaning): rescore replaces it with -0.2263 and rewrites the file
    data = tmp_path / "data"
    rows = [
        message("c1", "inbound", at(), brand="United", text="@united my flight was delayed",
                sentiment=0.2263, interaction_id="c1-in"),
        message("c1", "outbound", at(minutes=5), brand="United", author_id="united",
                text="Sorry to hear that ^JK", agent_id="JK", interaction_id="c1-out"),
    ]  # fmt: skip
    write_rows(data, "interactions", rows)
    assert main(["rescore", "--data", str(data)]) == 0
    frame = pl.read_parquet(data / "interactions" / "**" / "*.parquet")
    assert dict(frame.select("interaction_id", "sentiment").iter_rows())["c1-in"] == -0.2263
    assert agents(data) == {"c1-in": None, "c1-out": "JK"}
