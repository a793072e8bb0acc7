"""Behaviour of customers and brands in the demo, per channel and per brand x channel,
including the planted effects. Numbers are medians and probabilities that make the
demo look like real customer care (docs/DEMO.md).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

import numpy as np

from dashboard.core.schema import CHANNELS
from dashboard.demo.brands import (
    BRANDS,
    OUTAGE_DAY,
    PLANTED,
    YEAR,
    YEAR_END,
    YEAR_START,
    brand_index,
)

C = {name: i for i, name in enumerate(CHANNELS)}
N_CHANNELS = len(CHANNELS)
N_BRANDS = len(BRANDS)


def _per_channel(values: dict[str, float], default: float) -> np.ndarray:
    return np.array([values.get(c, default) for c in CHANNELS], dtype=np.float64)


# Median brand response time (s) on a channel: chat and phone answer in minutes,
# social media in tens of minutes to hours, email in hours, reviews in about a day.
RESPONSE_MEDIAN_S = _per_channel(
    {
        "twitter": 1500,
        "facebook": 2700,
        "instagram": 3600,
        "linkedin": 10800,
        "youtube": 21600,
        "email": 18000,
        "phone": 150,
        "chat": 60,
        "community": 10800,
        "review": 43200,
        "other": 5400,
    },
    3600,
)
# Spread (sigma of the log) of response times.
RESPONSE_SIGMA = _per_channel(
    {"email": 0.9, "phone": 0.8, "chat": 0.9, "community": 1.0, "review": 1.0}, 1.1
)
# Chance that the brand answers a first message at all.
P_ANSWER = _per_channel(
    {
        "twitter": 0.82,
        "facebook": 0.78,
        "instagram": 0.72,
        "linkedin": 0.70,
        "youtube": 0.45,
        "email": 0.93,
        "phone": 0.92,
        "chat": 0.96,
        "community": 0.50,
        "review": 0.55,
        "other": 0.75,
    },
    0.75,
)
# Chance that the customer's follower count is known (public on social networks,
# rarely linked to a CRM record on email, phone and chat).
P_FOLLOWERS_KNOWN = _per_channel(
    {"email": 0.10, "phone": 0.05, "chat": 0.10, "community": 0.40, "review": 0.50, "other": 0.50},
    0.95,
)
# Median delay (s) before the customer writes again after a reply.
CUSTOMER_DELAY_S = _per_channel(
    {"email": 14400, "phone": 86400, "chat": 45, "community": 3600, "review": 86400, "other": 1800},
    1200,
)
# Chance that the customer follows up after a reply (keeps the conversation going).
P_FOLLOW = _per_channel({"email": 0.45, "phone": 0.20, "chat": 0.55, "review": 0.15}, 0.30)
# Chance that the brand's first reply moves the conversation to another channel
# ("please email us"), and where it goes: social and reviews to email, chat to phone.
P_SWITCH = _per_channel(
    {
        "twitter": 0.12,
        "facebook": 0.10,
        "instagram": 0.10,
        "linkedin": 0.05,
        "youtube": 0.05,
        "review": 0.10,
        "other": 0.05,
        "chat": 0.04,
    },
    0.0,
)
SWITCH_TARGET = np.array([C["phone"] if c == "chat" else C["email"] for c in CHANNELS])
# Typical opening mood of customers on a channel (people complain in public).
MOOD_MU = _per_channel(
    {
        "email": -0.20,
        "phone": -0.15,
        "chat": -0.10,
        "community": -0.05,
        "review": -0.10,
        "other": -0.15,
    },
    -0.25,
)
# Response targets of the default configuration; used to decide whether a reply
# felt fast to the customer.
TARGET_S = _per_channel({"chat": 300, "phone": 300, "email": 86400}, 3600)
# Channels on which cases are tickets that carry resolved flags and CSAT surveys.
TICKET = np.isin(np.arange(N_CHANNELS), [C["email"], C["phone"], C["chat"]])

MAX_ROUNDS = 5
SKY = brand_index(PLANTED["follower_biased"])
NORTHWIND = brand_index(PLANTED["slow_email"])
GLITTER = brand_index(PLANTED["hollow_audience"])
BLUEBIRD = brand_index(PLANTED["improving"])
PIXEL = brand_index(PLANTED["community_peers"])
VOLT = brand_index(PLANTED["outage"])

# Hour-of-day profile (UTC) of first messages: quiet at night, busy in the day.
HOUR_P = np.array(
    [
        1,
        0.6,
        0.4,
        0.3,
        0.3,
        0.5,
        1.2,
        2.5,
        4,
        5,
        5.5,
        5.5,
        5.2,
        5.2,
        5,
        5,
        4.8,
        4.6,
        4.5,
        4.4,
        4,
        3.4,
        2.5,
        1.6,
    ]
)
HOUR_P = HOUR_P / HOUR_P.sum()
# The outage starts at 07:00 UTC; complaints peak in the morning and fade.
OUTAGE_HOUR_P = np.array([0.0] * 7 + [6, 10, 9, 8, 7, 6, 5, 4.5, 4, 3.5, 3, 3, 2.5, 2, 1.5, 1, 1])
OUTAGE_HOUR_P = OUTAGE_HOUR_P / OUTAGE_HOUR_P.sum()
OUTAGE_MULTIPLIER = 13.0  # outage-day conversations: ~13x a normal day, so ~10x inbound messages


def day_weights(month: int) -> np.ndarray:
    """Relative volume of each day of a month: weekends are quieter."""
    days = calendar.monthrange(YEAR, month)[1]
    weekday = np.array([dt.date(YEAR, month, d + 1).weekday() for d in range(days)])
    return np.where(weekday >= 5, 0.75, 1.0)


def outage_day_weights() -> np.ndarray:
    weights = day_weights(OUTAGE_DAY.month).copy()
    weights[OUTAGE_DAY.day - 1] *= OUTAGE_MULTIPLIER
    return weights


def month_weights() -> np.ndarray:
    """Share of the year's messages in each month: days x a mild December peak,
    plus Voltline's extra outage volume in June."""
    base = np.array([day_weights(m).sum() for m in range(1, 13)])
    base = base * (1 + 0.08 * np.cos(2 * np.pi * (np.arange(1, 13) - 12) / 12))
    volume = np.array([b.volume for b in BRANDS])
    share = volume / volume.sum()
    extra = outage_day_weights().sum() / day_weights(OUTAGE_DAY.month).sum()
    base[OUTAGE_DAY.month - 1] *= 1 + share[VOLT] * (extra - 1)
    return base / base.sum()


def month_start_s(month: int) -> float:
    start = dt.datetime(YEAR, month, 1, tzinfo=dt.UTC)
    return (start - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)).total_seconds()


YEAR_START_S = month_start_s(1)
YEAR_END_S = YEAR_START_S + (YEAR_END - YEAR_START).total_seconds()


@dataclass(frozen=True)
class MonthParams:
    """Brand x channel behaviour for one month ([brand, channel] matrices)."""

    month: int
    brand_p: np.ndarray  # share of conversations per brand
    channel_cum: np.ndarray  # cumulative entry-channel mix per brand
    resp_median: np.ndarray  # median response time (s)
    resp_sigma: np.ndarray
    p_answer: np.ndarray  # first message answered
    p_later: np.ndarray  # a follow-up answered
    mood_mu: np.ndarray  # mean opening sentiment
    p_thanks: np.ndarray  # customer closes with thanks after a reply
    p_resolved: np.ndarray  # ticket marked resolved
    p_peer: np.ndarray  # (brand) chance that peers answer on community


def month_params(month: int) -> MonthParams:
    quality = np.array([b.quality for b in BRANDS])[:, None]
    ones = np.ones((N_BRANDS, N_CHANNELS))
    mix = np.array([[b.channels.get(c, 0.0) for c in CHANNELS] for b in BRANDS])
    channel_cum = np.cumsum(mix / mix.sum(axis=1, keepdims=True), axis=1)
    channel_cum[:, -1] = 1.0

    # Ordinary brands: better quality = faster, more answers, happier customers.
    resp_median = RESPONSE_MEDIAN_S * np.exp(-0.8 * quality) * ones
    resp_sigma = RESPONSE_SIGMA * ones
    p_answer = np.clip(P_ANSWER + 0.15 * quality, 0.05, 0.99)
    p_later = np.clip(0.88 + 0.1 * quality, 0.05, 0.99) * ones
    mood_mu = MOOD_MU + 0.2 * quality
    p_thanks = np.clip(0.30 + 0.2 * quality, 0.0, 0.6) * ones
    p_resolved = np.clip(0.75 + 0.15 * quality, 0.05, 0.98) * ones
    p_peer = np.full(N_BRANDS, 0.35)

    # slow_email: Northwind's email desk takes days, drops follow-ups, leaves
    # customers angry and rarely resolves; its social team (quality 0.3) is fine.
    e = C["email"]
    resp_median[NORTHWIND, e] = 3 * 86400
    resp_sigma[NORTHWIND, e] = 0.7
    p_answer[NORTHWIND, e] = 0.70
    p_later[NORTHWIND, e] = 0.45
    mood_mu[NORTHWIND, e] = -0.50
    p_thanks[NORTHWIND, e] = 0.05
    p_resolved[NORTHWIND, e] = 0.30

    # community_peers: Pixel Games' players answer each other; staff rarely do.
    p_peer[PIXEL] = 0.85
    p_answer[PIXEL, C["community"]] = 0.25

    # improving: Bluebird Bank gets steadily better from January (k=0) to December (k=1).
    k = (month - 1) / 11
    resp_median[BLUEBIRD] = RESPONSE_MEDIAN_S * 3.0 * (0.4 / 3.0) ** k
    p_answer[BLUEBIRD] = P_ANSWER * (0.65 + 0.35 * k)
    p_later[BLUEBIRD] = 0.60 + 0.35 * k
    mood_mu[BLUEBIRD] = MOOD_MU - 0.30 + 0.45 * k
    p_thanks[BLUEBIRD] = 0.10 + 0.35 * k
    p_resolved[BLUEBIRD] = 0.40 + 0.50 * k

    volume = np.array([b.volume for b in BRANDS], dtype=np.float64)
    if month == OUTAGE_DAY.month:  # Voltline's outage day is extra volume
        volume[VOLT] *= outage_day_weights().sum() / day_weights(month).sum()
    return MonthParams(
        month,
        volume / volume.sum(),
        channel_cum,
        resp_median,
        resp_sigma,
        p_answer,
        p_later,
        mood_mu,
        p_thanks,
        p_resolved,
        p_peer,
    )
