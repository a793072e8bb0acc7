"""The demo's fictional brands, their channel mix and audience sizes, and the
planted effects (docs/DEMO.md). Plain data: no randomness lives here.

Everything that makes a brand remarkable is named in PLANTED; every other brand
only differs by size, channel mix and a mild overall `quality` (-0.5 .. 0.5).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from dashboard.core.schema import CHANNELS

YEAR = 2025
YEAR_START = dt.datetime(YEAR, 1, 1, tzinfo=dt.UTC)
YEAR_END = dt.datetime(YEAR + 1, 1, 1, tzinfo=dt.UTC)  # exclusive

# Brands carrying a planted, documented effect (docs/DEMO.md). Other engineers'
# tests refer to these names, so they are part of the demo's contract.
PLANTED: dict[str, str] = {
    "follower_biased": "Skyline Air",
    "slow_email": "Northwind Telecom",
    "hollow_audience": "Glitter Cosmetics",
    "improving": "Bluebird Bank",
    "community_peers": "Pixel Games",
    "outage": "Voltline Energy",
}
OUTAGE_DAY = dt.date(YEAR, 6, 17)

# The five networks on which brands run accounts (audience rows exist only here).
AUDIENCE_CHANNELS: tuple[str, ...] = ("twitter", "facebook", "instagram", "linkedin", "youtube")


@dataclass(frozen=True)
class Brand:
    name: str
    handle: str  # author_id of the brand's outbound messages
    domain: str
    category: str  # picks the nouns used in message texts
    volume: float  # relative share of conversations
    quality: float  # -0.5 (poor service) .. 0.5 (good service)
    channels: dict[str, float]  # entry-channel mix (relative weights)
    audience: dict[str, int] = field(default_factory=dict)  # followers on 1 January


BRANDS: tuple[Brand, ...] = (
    Brand(
        "Skyline Air",
        "SkylineAir",
        "skylineair.example",
        "airline",
        8,
        0.0,
        {
            "twitter": 32,
            "facebook": 12,
            "instagram": 8,
            "email": 20,
            "phone": 13,
            "chat": 10,
            "review": 5,
        },
        {"twitter": 1_200_000, "facebook": 900_000, "instagram": 600_000, "youtube": 150_000},
    ),
    Brand(
        "Northwind Telecom",
        "NorthwindTel",
        "northwind.example",
        "telecom",
        9,
        0.3,
        {"twitter": 25, "facebook": 15, "instagram": 5, "email": 32, "phone": 15, "chat": 8},
        {
            "twitter": 400_000,
            "facebook": 700_000,
            "instagram": 120_000,
            "linkedin": 60_000,
            "youtube": 40_000,
        },
    ),
    Brand(
        "Glitter Cosmetics",
        "GlitterCosmetics",
        "glitter.example",
        "beauty",
        4,
        0.2,
        {"instagram": 40, "twitter": 10, "facebook": 15, "youtube": 10, "email": 15, "chat": 10},
        {"instagram": 4_200_000, "youtube": 2_700_000, "facebook": 3_000_000, "twitter": 2_500_000},
    ),
    Brand(
        "Bluebird Bank",
        "BluebirdBank",
        "bluebird.example",
        "bank",
        7,
        0.0,
        {
            "twitter": 20,
            "facebook": 10,
            "email": 20,
            "phone": 25,
            "chat": 20,
            "linkedin": 2,
            "other": 3,
        },
        {"twitter": 250_000, "facebook": 300_000, "linkedin": 90_000, "instagram": 80_000},
    ),
    Brand(
        "Pixel Games",
        "PixelGames",
        "pixelgames.example",
        "games",
        7,
        0.1,
        {"community": 45, "twitter": 20, "youtube": 8, "email": 10, "chat": 5, "review": 12},
        {"youtube": 2_000_000, "twitter": 1_100_000, "instagram": 700_000, "facebook": 500_000},
    ),
    Brand(
        "Voltline Energy",
        "VoltlineEnergy",
        "voltline.example",
        "energy",
        5,
        0.0,
        {"twitter": 25, "facebook": 20, "email": 20, "phone": 25, "chat": 10},
        {"twitter": 60_000, "facebook": 120_000},
    ),
    Brand(
        "Harbor Insurance",
        "HarborInsure",
        "harbor.example",
        "insurance",
        4,
        -0.2,
        {"email": 35, "phone": 30, "chat": 10, "facebook": 10, "twitter": 10, "linkedin": 5},
        {"facebook": 50_000, "twitter": 20_000, "linkedin": 35_000},
    ),
    Brand(
        "Maple Grocers",
        "MapleGrocers",
        "maplegrocers.example",
        "grocery",
        6,
        0.2,
        {"twitter": 20, "facebook": 25, "instagram": 10, "email": 15, "chat": 15, "review": 15},
        {"facebook": 600_000, "instagram": 350_000, "twitter": 150_000},
    ),
    Brand(
        "Quantum Mobile",
        "QuantumMobile",
        "quantum.example",
        "telecom",
        6,
        -0.1,
        {
            "twitter": 25,
            "facebook": 10,
            "instagram": 5,
            "chat": 25,
            "phone": 15,
            "community": 15,
            "other": 5,
        },
        {"twitter": 500_000, "facebook": 450_000, "instagram": 300_000, "youtube": 80_000},
    ),
    Brand(
        "Riverbend Rail",
        "RiverbendRail",
        "riverbend.example",
        "rail",
        5,
        -0.3,
        {"twitter": 50, "facebook": 10, "email": 20, "phone": 10, "review": 10},
        {"twitter": 300_000, "facebook": 150_000},
    ),
    Brand(
        "Summit Outdoor",
        "SummitOutdoor",
        "summit.example",
        "retail",
        3,
        0.4,
        {"instagram": 25, "facebook": 15, "email": 30, "chat": 20, "review": 10},
        {"instagram": 450_000, "facebook": 200_000, "youtube": 120_000},
    ),
    Brand(
        "Nimbus Cloud",
        "NimbusCloud",
        "nimbus.example",
        "software",
        4,
        0.3,
        {"twitter": 15, "linkedin": 10, "email": 35, "chat": 20, "community": 20},
        {"twitter": 90_000, "linkedin": 250_000, "youtube": 30_000},
    ),
    Brand(
        "Copperleaf Coffee",
        "CopperleafCoffee",
        "copperleaf.example",
        "coffee",
        4,
        0.1,
        {"instagram": 30, "twitter": 15, "facebook": 15, "email": 15, "review": 20, "other": 5},
        {"instagram": 1_800_000, "twitter": 400_000, "facebook": 800_000},
    ),
    Brand(
        "Atlas Logistics",
        "AtlasLogistics",
        "atlas.example",
        "logistics",
        6,
        -0.4,
        {"twitter": 30, "facebook": 15, "email": 25, "phone": 15, "chat": 10, "linkedin": 5},
        {"twitter": 200_000, "facebook": 250_000, "linkedin": 180_000},
    ),
    Brand(
        "Aurora Streaming",
        "AuroraStream",
        "aurora.example",
        "streaming",
        5,
        0.1,
        {"twitter": 35, "facebook": 10, "instagram": 10, "youtube": 10, "email": 15, "chat": 20},
        {"twitter": 2_000_000, "instagram": 2_400_000, "youtube": 1_400_000, "facebook": 1_600_000},
    ),
    Brand(
        "Cedar Health",
        "CedarHealth",
        "cedarhealth.example",
        "health",
        3,
        -0.1,
        {"email": 40, "phone": 35, "chat": 15, "facebook": 10},
        {"facebook": 30_000, "linkedin": 20_000, "twitter": 8_000},
    ),
    Brand(
        "Orbit Electronics",
        "OrbitElectro",
        "orbit.example",
        "electronics",
        5,
        0.0,
        {
            "twitter": 20,
            "youtube": 10,
            "email": 25,
            "chat": 20,
            "phone": 10,
            "community": 10,
            "review": 5,
        },
        {"youtube": 900_000, "twitter": 350_000, "instagram": 250_000, "facebook": 300_000},
    ),
    Brand(
        "Lumen Hotels",
        "LumenHotels",
        "lumenhotels.example",
        "hotel",
        4,
        0.3,
        {"review": 35, "email": 25, "phone": 15, "instagram": 10, "facebook": 10, "twitter": 5},
        {"instagram": 500_000, "facebook": 350_000, "twitter": 60_000},
    ),
    Brand(
        "Fernway Fashion",
        "FernwayFashion",
        "fernway.example",
        "fashion",
        4,
        0.0,
        {"instagram": 35, "facebook": 15, "email": 25, "chat": 20, "other": 5},
        {"instagram": 1_100_000, "facebook": 300_000, "youtube": 60_000, "twitter": 40_000},
    ),
    Brand(
        "Sparrow Motors",
        "SparrowMotors",
        "sparrow.example",
        "auto",
        3,
        -0.2,
        {"twitter": 15, "facebook": 20, "youtube": 10, "email": 30, "phone": 20, "linkedin": 5},
        {
            "youtube": 600_000,
            "facebook": 400_000,
            "twitter": 150_000,
            "linkedin": 120_000,
            "instagram": 200_000,
        },
    ),
)

BRAND_NAMES: tuple[str, ...] = tuple(b.name for b in BRANDS)


def brand_index(name: str) -> int:
    return BRAND_NAMES.index(name)


def _check() -> None:
    """The table must name every planted brand and use every channel of the contract."""
    missing = set(PLANTED.values()) - set(BRAND_NAMES)
    assert not missing, f"planted brands missing from BRANDS: {missing}"
    used = {c for b in BRANDS for c in b.channels}
    assert used == set(CHANNELS), f"channels not used by any brand: {set(CHANNELS) - used}"
    for b in BRANDS:
        assert set(b.channels) <= set(CHANNELS), b.name
        assert set(b.audience) <= set(AUDIENCE_CHANNELS), b.name


_check()
