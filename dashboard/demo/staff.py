"""The demo's people: the named agents who sign each brand's replies, and Pixel Games'
community superfans (docs/DEMO.md, "Agents and superfans").

Every brand has a roster of agents (4-12, by its size). A conversation is handled by
one agent, drawn by caseload among those on the team when it starts; some are handed
over to a second agent from a later reply (more often when the case moved to email).
Every reply carries its writer's sign-off (" ^PS" for Priya S.) and agent_id, except
UNSIGNED_SHARE of replies, which carry neither (as in real exports).

Agents are interchangeable on every brand but one: in PLANTED_AGENTS["brand"] the
agents' styles (STYLES) change how fast they reply and how their conversations end:
the customer's next mood, whether a customer who would go quiet thanks instead (or
one who would thank comes back unhappy), the chance the case is resolved and the
CSAT score. Nothing else about a conversation depends on its agent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from dashboard.demo.brands import BRAND_NAMES, YEAR_END, YEAR_START

# The brand whose agents differ on purpose, and who they are (docs/DEMO.md).
PLANTED_AGENTS: dict[str, str] = {
    "brand": "Atlas Logistics",
    "happy": "Miguel R.",  # slower than the brand, customers end markedly happier
    "fast": "Tyler B.",  # the fastest, conversations end worse
    "new_starter": "Zoe K.",  # joined in late December: under min n
}
# Pixel Games' community superfans: customer numbers (author_id cust-<n>) and the
# share of the superfans' answers each writes.
SUPERFAN_BRAND = "Pixel Games"
SUPERFANS: dict[int, float] = {1207: 0.32, 2718: 0.25, 4096: 0.19, 5150: 0.14, 8128: 0.10}
SUPERFAN_IDS: tuple[str, ...] = tuple(f"cust-{n}" for n in SUPERFANS)

UNSIGNED_SHARE = 0.05  # replies that carry no sign-off (agent_id null)
P_HANDOVER = 0.15  # conversations handed to a second agent from reply 2 or 3
P_HANDOVER_AFTER_SWITCH = 0.5  # ... and after "please email us": the email team takes it

ROSTERS: dict[str, tuple[str, ...]] = {
    "Skyline Air": (
        *("Priya S.", "Tom H.", "Aisha K.", "Marco D.", "Hannah L."),
        *("Kenji W.", "Sofia R.", "Dan O.", "Grace M.", "Luis F."),
    ),
    "Northwind Telecom": (
        *("Fatima A.", "Ben C.", "Chloe D.", "Ravi P.", "Olivia G.", "Sam T."),
        *("Ingrid N.", "Kwame B.", "Lucy H.", "Mateo V.", "Erin J."),
    ),
    "Glitter Cosmetics": ("Jade L.", "Amira H.", "Bella C.", "Noor S.", "Tess W.", "Kayla M."),
    "Bluebird Bank": (
        *("Oliver P.", "Meera J.", "Daniel K.", "Rosa M.", "Femi A."),
        *("Claire B.", "Hugo L.", "Nadia S.", "Ewan T."),
    ),
    "Pixel Games": (
        *("Alex R.", "Jordan K.", "Mia T.", "Devon L.", "Sasha P."),
        *("Leo G.", "Ruby N.", "Kai M.", "Finn O."),
    ),
    "Voltline Energy": (
        *("Gareth E.", "Pooja R.", "Liam W.", "Ana C."),
        *("Marcus D.", "Holly B.", "Yusuf K."),
    ),
    "Harbor Insurance": (
        *("Margaret O.", "Arjun S.", "Helen T."),
        *("Victor N.", "Siobhan C.", "Paul R."),
    ),
    "Maple Grocers": (
        *("Emma B.", "Carlos M.", "Jess W.", "Tariq H."),
        *("Lily F.", "Owen P.", "Nina K.", "Ahmed S."),
    ),
    "Quantum Mobile": (
        *("Zara K.", "Ethan M.", "Leila H.", "Connor B."),
        *("Mei L.", "Jamal W.", "Freya D.", "Noah G."),
    ),
    "Riverbend Rail": ("Ian M.", "Rachel G.", "Dev P.", "Kate S.", "Omar F.", "Beth L.", "Rhys J."),
    "Summit Outdoor": ("Maya T.", "Jonas E.", "Willow H.", "Reid C.", "Anya B."),
    "Nimbus Cloud": ("Vikram N.", "Sarah O.", "Tobias K.", "Lena W.", "Raj M.", "Cleo P."),
    "Copperleaf Coffee": ("Isla R.", "Mason T.", "Priyanka D.", "Felix W.", "June K.", "Andre S."),
    "Atlas Logistics": (
        *("Miguel R.", "Tyler B.", "Sunita P.", "Kevin O.", "Amara N."),
        *("Brian H.", "Lucia F.", "Greg W.", "Zoe K."),
    ),
    "Aurora Streaming": ("Nico V.", "Harper J.", "Imran Q.", "Stella M.", "Theo R.", "Dana K."),
    "Cedar Health": ("Ruth A.", "Samuel O.", "Joy N.", "Adrian L.", "Mina C."),
    "Orbit Electronics": ("Hiro T.", "Max B.", "Elena V.", "Jay P.", "Rania A.", "Will S."),
    "Lumen Hotels": ("Camille D.", "Marcus L.", "Anjali R.", "Pierre B.", "Sienna F.", "Jonah W."),
    "Fernway Fashion": ("Ella M.", "Kofi A.", "Luna P.", "Ryan T.", "Ines G.", "Matt H."),
    "Sparrow Motors": ("Frank D.", "Leah S.", "Ollie R.", "Shreya M.", "Carl B."),
}


@dataclass(frozen=True)
class Terms:
    """An agent's caseload (1 = a full one) and time on the team (end exclusive)."""

    caseload: float = 1.0
    start: dt.date = YEAR_START.date()
    end: dt.date = YEAR_END.date()


# Exceptions to "a full caseload all year": part-timers, a leaver and new starters.
TERMS: dict[tuple[str, str], Terms] = {
    ("Skyline Air", "Tom H."): Terms(end=dt.date(2025, 7, 1)),  # left at the end of June
    ("Skyline Air", "Luis F."): Terms(0.5),
    ("Northwind Telecom", "Erin J."): Terms(start=dt.date(2025, 10, 1)),  # clears min n
    ("Bluebird Bank", "Ewan T."): Terms(0.5),
    ("Pixel Games", "Finn O."): Terms(0.5),
    ("Maple Grocers", "Ahmed S."): Terms(0.5),
    ("Atlas Logistics", "Greg W."): Terms(0.6),
    ("Atlas Logistics", "Zoe K."): Terms(0.2, start=dt.date(2025, 12, 22)),
    ("Orbit Electronics", "Will S."): Terms(0.5),
}


@dataclass(frozen=True)
class Style:
    """How an agent's work changes a conversation (neutral by default)."""

    speed: float = 1.0  # x the brand's reply delay
    mood: float = 0.0  # added to the sentiment of the customer's next message
    thanks: float = 0.0  # chance that a customer who would go quiet thanks instead
    letdown: float = 0.0  # chance that a customer who would thank writes back unhappy
    resolve: float = 0.0  # added to the chance that the case is marked resolved
    csat: float = 0.0  # added to the mean CSAT score (1..5)


_ATLAS = PLANTED_AGENTS["brand"]
STYLES: dict[tuple[str, str], Style] = {
    # the careful one: slow, but customers leave happy and cases stay fixed
    (_ATLAS, PLANTED_AGENTS["happy"]): Style(
        speed=1.8, mood=0.35, thanks=0.5, resolve=0.18, csat=0.8
    ),
    # the quick closer: first to reply, but customers come back let down
    (_ATLAS, PLANTED_AGENTS["fast"]): Style(
        speed=0.35, mood=-0.3, letdown=0.5, resolve=-0.15, csat=-0.6
    ),
    # colleagues differ a little in pace, not in outcome
    (_ATLAS, "Sunita P."): Style(speed=0.92),
    (_ATLAS, "Kevin O."): Style(speed=1.08),
    (_ATLAS, "Brian H."): Style(speed=1.1),
    (_ATLAS, "Lucia F."): Style(speed=0.95),
    (_ATLAS, "Zoe K."): Style(speed=1.2),
}


def initials(name: str) -> str:
    """ "Priya S." -> "PS": the sign-off an agent ends a reply with (" ^PS")."""
    return "".join(word[0] for word in name.split())


def _seconds(day: dt.date) -> float:
    return (dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC) - YEAR_START).total_seconds()


class Staff:
    """Every brand's agents as flat arrays (agent number = position in `names`)."""

    def __init__(self) -> None:
        people = [(b, name) for b, brand in enumerate(BRAND_NAMES) for name in ROSTERS[brand]]
        self.names = [name for _, name in people]
        self.signoffs = [f" ^{initials(name)}" for name in self.names]
        self.brand = np.array([b for b, _ in people])
        terms = [TERMS.get((BRAND_NAMES[b], name), Terms()) for b, name in people]
        start = YEAR_START.timestamp()
        self.start_s = np.array([start + _seconds(t.start) for t in terms])
        self.end_s = np.array([start + _seconds(t.end) for t in terms])
        styles = [STYLES.get((BRAND_NAMES[b], name), Style()) for b, name in people]
        for field in ("speed", "mood", "thanks", "letdown", "resolve", "csat"):
            setattr(self, field, np.array([getattr(s, field) for s in styles]))
        # per brand: its agents' numbers and cumulative caseload shares (padded)
        width = max(len(r) for r in ROSTERS.values())
        self.ids = np.zeros((len(BRAND_NAMES), width), np.int64)
        self.cum = np.full((len(BRAND_NAMES), width), 2.0)  # 2 > any draw: never picked
        for b in range(len(BRAND_NAMES)):
            mine = np.flatnonzero(self.brand == b)
            load = np.array([terms[a].caseload for a in mine])
            self.ids[b, : len(mine)] = mine
            self.ids[b, len(mine) :] = mine[0]
            self.cum[b, : len(mine)] = np.cumsum(load / load.sum())
            self.cum[b, len(mine) - 1] = 1.0

    def draw(self, rng: np.random.Generator, brand: np.ndarray, t: np.ndarray) -> np.ndarray:
        """An agent of each conversation's brand on the team at time t (epoch seconds),
        by caseload: draws again for anyone not yet started or already gone."""
        agent = np.empty(len(brand), np.int64)
        todo = np.arange(len(brand))
        while len(todo):
            u = rng.random(len(todo))
            k = (u[:, None] > self.cum[brand[todo]]).sum(axis=1)
            a = self.ids[brand[todo], k]
            on_team = (self.start_s[a] <= t[todo]) & (t[todo] < self.end_s[a])
            agent[todo[on_team]] = a[on_team]
            todo = todo[~on_team]
        return agent

    def draw_other(
        self, rng: np.random.Generator, brand: np.ndarray, t: np.ndarray, first: np.ndarray
    ) -> np.ndarray:
        """A second agent for a hand-over, a colleague of `first` (a few tries; where
        they all draw `first` again, `first` keeps the case)."""
        other = self.draw(rng, brand, t)
        for _ in range(3):
            same = np.flatnonzero(other == first)
            if not len(same):
                break
            other[same] = self.draw(rng, brand[same], t[same])
        return other


def _check() -> None:
    """Rosters: every brand has 4-12 agents, sign-offs unique within a brand and not a
    word the sentiment cleaning keeps ("NO", "OK"); styles and terms name real agents;
    every brand has agents there all year."""
    assert set(ROSTERS) == set(BRAND_NAMES), set(BRAND_NAMES) ^ set(ROSTERS)
    for brand, names in ROSTERS.items():
        assert 4 <= len(names) <= 12, brand
        signs = [initials(n) for n in names]
        assert len(set(signs)) == len(signs), brand
        assert not {"NO", "OK"} & set(signs), brand
    for brand, name in (*TERMS, *STYLES):
        assert name in ROSTERS[brand], (brand, name)
    for brand, names in ROSTERS.items():  # someone is always on the team
        assert any((brand, n) not in TERMS for n in names), brand
    assert set(PLANTED_AGENTS.values()) - {_ATLAS} <= set(ROSTERS[_ATLAS])
    assert SUPERFAN_BRAND in BRAND_NAMES and abs(sum(SUPERFANS.values()) - 1) < 1e-9


_check()
STAFF = Staff()
