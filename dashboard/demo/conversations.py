"""Simulate demo conversations, vectorised with numpy, one chunk (month x part) at a time.

A conversation is a customer's first message followed by up to MAX_ROUNDS rounds:
peers may answer on community channels, the brand answers (or not) after a
log-normal delay, and the customer then follows up, says thanks, or goes quiet.
An unanswered customer sometimes chases ("Hello? Anyone there?"). The brand's
first reply sometimes moves the case to email (or a chat to phone).

Who wrote each reply (the brand's agents) and Pixel Games' superfans come from
dashboard/demo/staff.py and draw from their own generator (`staff_rng`): the main
generator makes the same draws as in a demo without them. dashboard/demo/table.py
turns the simulated columns into the interactions table.
"""

from __future__ import annotations

import numpy as np

from dashboard.core.schema import DIRECTIONS
from dashboard.demo import params as dp
from dashboard.demo import text as tx
from dashboard.demo.brands import OUTAGE_DAY, brand_index
from dashboard.demo.staff import (
    P_HANDOVER,
    P_HANDOVER_AFTER_SWITCH,
    STAFF,
    SUPERFAN_BRAND,
    SUPERFANS,
    UNSIGNED_SHARE,
)

INBOUND, OUTBOUND, PEER = (DIRECTIONS.index(d) for d in ("inbound", "outbound", "peer"))
_FIELDS = ("conv", "t", "ch", "dir", "kind", "bucket", "sent", "author", "agent")
# Pixel Games' superfans: who they are, how often they write a community answer
# (first answers and later ones alike) and answer on its social channels too.
FAN_BRAND = brand_index(SUPERFAN_BRAND)
FAN_NUMBERS = np.array(list(SUPERFANS), np.int64)
FAN_CUM = np.cumsum(list(SUPERFANS.values()))
P_FAN_ANSWER = 0.7  # of Pixel Games' community peer answers
FAN_SPEED = 0.7  # their answers come sooner than other players'
P_FAN_ELSEWHERE = 0.04  # Pixel twitter / youtube conversations a superfan replies to
FAN_ELSEWHERE = [dp.C["twitter"], dp.C["youtube"]]
MESSAGES_PER_CONVERSATION_GUESS = 2.9  # a bit low on purpose: chunks top up if short

# Customers' follower counts: a Lomax (Pareto II) law, median ~150, ~2% >= 10k.
FOLLOWER_SCALE = 120.0
FOLLOWER_ALPHA = 0.85
FOLLOWER_CAP = 80_000_000


def customer_followers(customer: np.ndarray, key: int) -> np.ndarray:
    """Follower count of each customer number: a hash of (customer, key) turned into
    a Pareto draw, so one customer has one follower count across all chunks."""
    x = customer.astype(np.uint64) + np.uint64(key % 2**63)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    x = x ^ (x >> np.uint64(31))
    u = (x >> np.uint64(11)).astype(np.float64) * 2.0**-53
    followers = FOLLOWER_SCALE * ((1.0 - u) ** (-1.0 / FOLLOWER_ALPHA) - 1.0)
    return np.minimum(followers, FOLLOWER_CAP).astype(np.int64)


class _Messages:
    """Column lists of emitted messages, concatenated at the end."""

    def __init__(self) -> None:
        self.parts: dict[str, list[np.ndarray]] = {f: [] for f in _FIELDS}

    def add(
        self,
        conv: np.ndarray,
        t: np.ndarray,
        ch: np.ndarray,
        direction: int,
        kind: np.ndarray | int,
        bucket: np.ndarray | int,
        sent: np.ndarray | float,
        author: np.ndarray | int,
        agent: np.ndarray | int = -1,
    ) -> None:
        n = len(conv)
        values = {
            "conv": conv,
            "t": t,
            "ch": ch,
            "dir": np.full(n, direction, np.int8),
            "kind": np.broadcast_to(kind, n),
            "bucket": np.broadcast_to(bucket, n),
            "sent": np.broadcast_to(sent, n),
            "author": np.broadcast_to(author, n),
            "agent": np.broadcast_to(agent, n),
        }
        for name, value in values.items():
            self.parts[name].append(value)

    def arrays(self) -> dict[str, np.ndarray]:
        return {name: np.concatenate(parts) for name, parts in self.parts.items()}


def _lognormal(
    rng: np.random.Generator, median: np.ndarray, sigma: np.ndarray | float
) -> np.ndarray:
    return median * np.exp(sigma * rng.standard_normal(len(median)))


def simulate(
    rng: np.random.Generator,
    params: dp.MonthParams,
    n: int,
    pool: int,
    key: int,
    staff_rng: np.random.Generator,
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """`n` conversations starting in params.month: message columns sorted by
    (conversation, time), and the brand of each conversation. `staff_rng` draws
    everything about agents and superfans."""
    P = params
    month = P.month
    brand = rng.choice(dp.N_BRANDS, size=n, p=P.brand_p)
    entry = np.minimum(
        (rng.random(n)[:, None] > P.channel_cum[brand]).sum(axis=1), dp.N_CHANNELS - 1
    )

    weights = dp.day_weights(month)
    day = rng.choice(len(weights), n, p=weights / weights.sum())
    hour = rng.choice(24, n, p=dp.HOUR_P)
    outage = np.zeros(n, dtype=bool)
    if month == OUTAGE_DAY.month:
        # outage: Voltline's customers flood in on OUTAGE_DAY from 07:00, angry
        volt = brand == dp.VOLT
        weights = dp.outage_day_weights()
        day[volt] = rng.choice(len(weights), int(volt.sum()), p=weights / weights.sum())
        outage = volt & (day == OUTAGE_DAY.day - 1)
        hour[outage] = rng.choice(24, int(outage.sum()), p=dp.OUTAGE_HOUR_P)
    t0 = dp.month_start_s(month) + day * 86400.0 + hour * 3600.0 + rng.random(n) * 3600.0

    # Customers recur (a few write often); each has one follower count, known or not
    # depending on the channel.
    customer = (pool * rng.random(n) ** 1.7).astype(np.int64)
    known = rng.random(n) < dp.P_FOLLOWERS_KNOWN[entry]
    followers = np.where(known, customer_followers(customer, key), -1)

    p_first = P.p_answer[brand, entry].copy()
    speed = np.ones(n)
    # follower_biased: Skyline Air answers customers with >= 10k followers 95% of the
    # time and 5x faster; everyone else with a known count ~45-60% of the time.
    sky = brand == dp.SKY
    high = sky & (followers >= 10_000)
    p_first[sky & (followers >= 0)] = 0.45
    p_first[sky & (followers >= 1_000)] = 0.60
    p_first[high] = 0.95
    speed[high] = 0.2
    p_first[outage] *= 0.6  # overwhelmed during the outage
    speed[outage] *= 4.0

    mood = rng.normal(P.mood_mu[brand, entry], 0.35)
    mood[outage] = rng.normal(-0.8, 0.1, int(outage.sum()))
    mood = np.clip(mood, -1.0, 1.0)

    # Who handles the case: one agent, sometimes handed over to a second one from
    # reply 2 or 3 (handover = the round from which the second agent writes).
    agent = STAFF.draw(staff_rng, brand, t0)
    second = STAFF.draw_other(staff_rng, brand, t0, agent)
    handover = np.where(
        staff_rng.random(n) < P_HANDOVER, staff_rng.integers(1, 3, n), dp.MAX_ROUNDS
    )
    last_writer = np.full(n, -1)

    out = _Messages()
    conv = np.arange(n)
    out.add(
        conv,
        t0,
        entry,
        INBOUND,
        np.where(outage, tx.OUTAGE, tx.FIRST),
        tx.sentiment_bucket(mood),
        mood,
        customer,
    )
    _fans_elsewhere(staff_rng, out, brand, entry, t0)
    last_sentiment = mood.copy()
    fast_first = np.zeros(n, dtype=bool)
    thanked = np.zeros(n, dtype=bool)

    idx, t, ch, s = conv, t0, entry.copy(), mood
    for r in range(dp.MAX_ROUNDS):
        m = len(idx)
        if m == 0:
            break
        b = brand[idx]
        last_response = np.full(m, -np.inf)
        # Peers answer questions on community channels.
        peer = (ch == dp.C["community"]) & (rng.random(m) < P.p_peer[b] * (0.5 if r else 1.0))
        npeers = np.where(peer, 1 + rng.binomial(2, 0.35, m), 0)
        who = np.repeat(np.arange(m), npeers)
        peer_t = t[who] + _lognormal(rng, np.full(len(who), 2400.0), 1.0)
        peer_author = (pool * rng.random(len(who))).astype(np.int64)
        # community_peers: most of Pixel Games' community answers are its superfans'
        fan = (b[who] == FAN_BRAND) & (staff_rng.random(len(who)) < P_FAN_ANSWER)
        peer_t = np.where(fan, t[who] + (peer_t - t[who]) * FAN_SPEED, peer_t)
        peer_author[fan] = _superfans(staff_rng, int(fan.sum()))
        out.add(
            idx[who],
            peer_t,
            ch[who],
            PEER,
            np.where(fan, tx.FAN, tx.PEER),
            0,
            np.nan,
            peer_author,
        )
        np.maximum.at(last_response, who, peer_t)

        # The brand answers, or not; an agent writes the reply (at their own pace).
        writer = np.where(r >= handover[idx], second[idx], agent[idx])
        p = p_first[idx] if r == 0 else P.p_later[b, ch]
        answered = rng.random(m) < p
        delay = _lognormal(
            rng, P.resp_median[b, ch] * speed[idx] * (1.0 if r == 0 else 0.6), P.resp_sigma[b, ch]
        )
        delay = delay * STAFF.speed[writer]
        reply_t = t + delay
        switch = answered & (rng.random(m) < dp.P_SWITCH[ch]) if r == 0 else np.zeros(m, bool)
        a = answered
        signed = staff_rng.random(m) >= UNSIGNED_SHARE
        out.add(
            idx[a],
            reply_t[a],
            ch[a],
            OUTBOUND,
            np.where(switch, tx.SWITCH, tx.REPLY)[a],
            tx.sentiment_bucket(s)[a],
            np.nan,
            -1,
            np.where(signed, writer, -1)[a],
        )
        last_writer[idx[a]] = writer[a]
        if r == 0:  # after "please email us" the email team often takes the case on
            moved = switch & (staff_rng.random(m) < P_HANDOVER_AFTER_SWITCH)
            handover[idx[moved]] = 1
        last_response = np.where(answered, np.maximum(last_response, reply_t), last_response)
        fast = answered & (delay <= dp.TARGET_S[ch])
        if r == 0:
            fast_first[idx] = fast
        responded = answered | peer

        # Nobody answered: some customers chase once, then the conversation ends.
        chase = ~responded & (rng.random(m) < 0.3)
        chase_s = rng.uniform(-0.9, -0.3, int(chase.sum()))
        out.add(
            idx[chase],
            t[chase] + _lognormal(rng, np.full(int(chase.sum()), 14400.0), 0.8),
            ch[chase],
            INBOUND,
            tx.CHASER,
            0,
            chase_s,
            customer[idx[chase]],
        )
        last_sentiment[idx[chase]] = chase_s

        # Answered: the customer follows up (on the new channel after a switch),
        # thanks the brand, or goes quiet.
        ch = np.where(switch, dp.SWITCH_TARGET[ch], ch)
        u = rng.random(m)
        p_follow = np.where(switch, 0.9, dp.P_FOLLOW[ch]) if r < dp.MAX_ROUNDS - 1 else 0.0
        follow = responded & (u < p_follow)
        thanks = responded & ~follow & (u < p_follow + P.p_thanks[b, ch])
        next_t = last_response + _lognormal(rng, dp.CUSTOMER_DELAY_S[ch], 0.9)
        # a fast reply lifts the customer's mood, a slow one sours it; so may the agent
        s_next = np.clip(
            s
            + np.where(fast, 0.2, -0.2)
            + rng.normal(0, 0.25, m)
            + np.where(answered, STAFF.mood[writer], 0.0),
            -1.0,
            1.0,
        )
        closing = np.full(m, np.nan)
        closing[thanks] = rng.uniform(0.4, 0.95, int(thanks.sum()))
        # the agent's style: a customer who would go quiet thanks instead, or one who
        # would thank writes back let down (and nobody answers that)
        v = staff_rng.random(m)
        extra = answered & responded & ~follow & ~thanks & (v < STAFF.thanks[writer])
        letdown = answered & thanks & (v < STAFF.letdown[writer])
        closing[extra] = staff_rng.uniform(0.4, 0.95, int(extra.sum()))
        closing[letdown] = staff_rng.uniform(-0.75, -0.25, int(letdown.sum()))
        ends = thanks | extra
        out.add(
            idx[ends],
            next_t[ends],
            ch[ends],
            INBOUND,
            np.where(letdown, tx.FOLLOWUP, tx.THANKS)[ends],
            np.where(letdown, tx.sentiment_bucket(closing), 3)[ends],
            closing[ends],
            customer[idx[ends]],
        )
        last_sentiment[idx[ends]] = closing[ends]
        thanked[idx[ends & ~letdown]] = True
        out.add(
            idx[follow],
            next_t[follow],
            ch[follow],
            INBOUND,
            tx.FOLLOWUP,
            tx.sentiment_bucket(s_next[follow]),
            s_next[follow],
            customer[idx[follow]],
        )
        last_sentiment[idx[follow]] = s_next[follow]
        idx, t, ch, s = idx[follow], next_t[follow], ch[follow], s_next[follow]

    rows = out.arrays()
    order = np.lexsort((rows["t"], rows["conv"]))
    rows = {name: np.ascontiguousarray(col[order]) for name, col in rows.items()}
    rows["followers"] = followers[rows["conv"]]
    _close_cases(rng, P, rows, brand, last_sentiment, fast_first, thanked, last_writer)
    return rows, brand


def _superfans(rng: np.random.Generator, n: int) -> np.ndarray:
    """Customer numbers of `n` superfan answers, by each superfan's share."""
    return FAN_NUMBERS[np.minimum(np.searchsorted(FAN_CUM, rng.random(n)), len(FAN_NUMBERS) - 1)]


def _fans_elsewhere(
    rng: np.random.Generator, out: _Messages, brand: np.ndarray, entry: np.ndarray, t0: np.ndarray
) -> None:
    """Pixel Games' superfans also reply to some tweets and youtube comments (a peer
    message off community: not a response to the customer, docs/METRICS.md)."""
    where = (brand == FAN_BRAND) & np.isin(entry, FAN_ELSEWHERE)
    where &= rng.random(len(brand)) < P_FAN_ELSEWHERE
    conv = np.flatnonzero(where)
    delay = 1800.0 * np.exp(rng.standard_normal(len(conv)))
    out.add(
        conv, t0[conv] + delay, entry[conv], PEER, tx.FAN, 0, np.nan, _superfans(rng, len(conv))
    )


def _close_cases(
    rng: np.random.Generator,
    P: dp.MonthParams,
    rows: dict[str, np.ndarray],
    brand: np.ndarray,
    last_sentiment: np.ndarray,
    fast_first: np.ndarray,
    thanked: np.ndarray,
    last_writer: np.ndarray,
) -> None:
    """Ticket channels (email, phone, chat): the brand's last message carries the
    resolved flag, and some cases get a CSAT (1..5, and sometimes NPS) rating on
    their last message. Elsewhere these stay null. The agent who wrote the last
    reply can make both likelier or less likely (staff.Style)."""
    n_rows = len(rows["conv"])
    conv = rows["conv"]
    last_row = np.r_[conv[1:] != conv[:-1], True]
    out_rows = np.flatnonzero(rows["dir"] == OUTBOUND)
    out_conv = conv[out_rows]
    last_out = out_rows[np.r_[out_conv[1:] != out_conv[:-1], True]] if len(out_rows) else out_rows
    c = conv[last_out]
    closer = last_writer[c]  # every conversation with a reply has its writer
    ticket = dp.TICKET[rows["ch"][last_out]]
    ends = np.flatnonzero(last_row)
    conv_end = np.full(len(brand), -1)
    conv_end[conv[ends]] = ends
    waiting = (rows["dir"][conv_end[c]] == INBOUND) & ~thanked[c]
    p = P.p_resolved[brand[c], rows["ch"][last_out]] + np.where(thanked[c], 0.15, 0.0)
    p = np.where(waiting, p - 0.3, p) + STAFF.resolve[closer]
    resolved = rng.random(len(c)) < p
    flag = np.full(n_rows, -1, np.int8)
    flag[last_out[ticket]] = resolved[ticket]

    rated = ticket & (rng.random(len(c)) < 0.35)
    mu = 2.2 + 1.4 * resolved + 0.6 * fast_first[c] + 0.8 * last_sentiment[c]
    mu = mu + STAFF.csat[closer]
    score = np.clip(np.rint(rng.normal(mu, 0.8)), 1, 5)
    nps = np.clip(np.rint(2 * score - 1 + rng.normal(0, 1.2, len(c))), 0, 10)
    with_nps = rated & (rng.random(len(c)) < 0.5)
    csat = np.full(n_rows, -1, np.int8)
    csat[conv_end[c[rated]]] = score[rated]
    nps_col = np.full(n_rows, -1, np.int8)
    nps_col[conv_end[c[with_nps]]] = nps[with_nps]
    rows["resolved"], rows["csat"], rows["nps"] = flag, csat, nps_col
