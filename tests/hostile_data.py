"""A tiny log whose brand names, agent ids and a pseudonym are markup: the hostile
payloads of issue 18 (a link, bold), for the pages, the charts and the browser test.

3 March 2025 (minutes after 09:00 UTC), per brand EVIL and BOLD:
  k = 0..3  inbound on twitter (k even) or email (k odd) at 10k minutes, followers
            10^(k+1), answered at 10k + 5 by AGENT_EVIL (k < 2) or AGENT_BOLD
  s         inbound on twitter at 60, answered on email at 70 (switched channel)
  p         community: inbound at 80, a peer (PEER) answers at 85
Audience on twitter that day for EVIL, BOLD and Plain Co (three accounts: a fit).
min_n = 1, so every group is shown; both brands are on the public board.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.conftest import at, message, write_rows

EVIL = '<a href="http://evil.example/p">ClickMe</a>'
BOLD = "**Bold** Co"
AGENT_EVIL = '<a href="http://evil.example/agent">Agent</a>'
AGENT_BOLD = "**Al**"
PEER = "[fan](http://evil.example/fan)"
PHISH = "[Session expired - log in again](http://evil.example/phish)"
BOLD_LINK = "**bold**"
DAY = "2025-03-03"


def hostile_rows() -> list[dict]:
    rows: list[dict] = []
    for b, brand in enumerate((EVIL, BOLD)):
        for k in range(4):
            cid, channel = f"{b}-{k}", "twitter" if k % 2 == 0 else "email"
            agent = AGENT_EVIL if k < 2 else AGENT_BOLD
            common = {"brand": brand, "channel": channel}
            rows.append(
                message(
                    cid,
                    "inbound",
                    at(10 * k),
                    author_followers=10 ** (k + 1),
                    sentiment=0.5,
                    **common,
                )
            )
            rows.append(message(cid, "outbound", at(10 * k + 5), agent_id=agent, **common))
        rows.append(message(f"{b}-s", "inbound", at(60), brand=brand, channel="twitter"))
        rows.append(
            message(f"{b}-s", "outbound", at(70), brand=brand, channel="email", agent_id=AGENT_EVIL)
        )
        rows.append(message(f"{b}-p", "inbound", at(80), brand=brand, channel="community"))
        rows.append(
            message(f"{b}-p", "peer", at(85), brand=brand, channel="community", author_id=PEER)
        )
    return rows


def hostile_audience() -> list[dict]:
    day = dt.date(2025, 3, 3)
    return [
        {
            "brand": brand,
            "channel": "twitter",
            "date": day,
            "followers": followers,
            "posts": 10,
            "likes": likes,
            "comments": 0,
            "shares": 0,
        }
        for brand, followers, likes in (
            (EVIL, 1_000, 100),
            (BOLD, 10_000, 300),
            ("Plain Co", 100_000, 900),
        )
    ]


def write_hostile_data(data_dir: Path) -> Path:
    write_rows(data_dir, "interactions", hostile_rows())
    write_rows(data_dir, "audience", hostile_audience())
    (data_dir / "chi.toml").write_text(
        f"min_n = 1\n\n[public]\nbrands = ['{EVIL}', '{BOLD}']\n", encoding="utf-8"
    )
    return data_dir
