"""The product's vocabulary: the index components with their labels and symbols, the
follower buckets, and the default first-response target. Each lives here once: the
views, charts, reports and config read them from here, and the SQL gets them through
macros generated from them (dashboard.data.sql.generated_macros: follower_bucket,
follower_buckets, default_target_s; documented in queries/_macros.sql).
"""

from __future__ import annotations

from typing import NamedTuple

# The five components of the Customer Happiness Index (docs/METRICS.md), in the order
# every table, chart and formula lists them; also the keys of the config's [weights].
COMPONENTS: tuple[str, ...] = ("mood", "speed", "resolution", "effort", "satisfaction")
LABELS: dict[str, str] = {
    "mood": "Mood",
    "speed": "Speed",
    "resolution": "Resolution",
    "effort": "Effort",
    "satisfaction": "Satisfaction",
}
# The letters of the index formula, as the methodology writes them (docs/METRICS.md).
SYMBOLS: dict[str, str] = {
    "mood": "M",
    "speed": "R",
    "resolution": "V",
    "effort": "E",
    "satisfaction": "C",
}
HAPPINESS_INDEX_LABEL = "Index"


class ComponentSums(NamedTuple):
    """How a component is built from the daily rollup (queries/model/daily_sums.sql):
    value = offset + scale x y_sum / d_sum, a ratio of two additive sums. `term` names
    its per-conversation columns <term>_y and, when `has_d`, <term>_d (the
    denominator's 0/1; otherwise every conversation counts); `squares` is the sum of
    y squared when y is not 0/1 (then y_sum). The index interval's covariances come
    from these (docs/METRICS.md, "Intervals")."""

    scale: float
    offset: float
    y_sum: str
    d_sum: str
    has_d: bool
    squares: str | None


COMPONENT_SUMS: dict[str, ComponentSums] = {
    "mood": ComponentSums(
        50.0, 50.0, "mood_sentiment_sum", "mood_sentiment_n", True, "mood_sentiment_sq_sum"
    ),
    "speed": ComponentSums(100.0, 0.0, "within_target_n", "timed_n", True, None),
    "resolution": ComponentSums(100.0, 0.0, "resolved_n", "conversations_n", False, None),
    "effort": ComponentSums(100.0, 0.0, "effortless_n", "conversations_n", False, None),
    "satisfaction": ComponentSums(100.0, 0.0, "satisfied_n", "rated_n", True, None),
}
# Every pair of components (i before k), whose covariance the index interval needs.
COMPONENT_PAIRS: tuple[tuple[str, str], ...] = tuple(
    (a, b) for i, a in enumerate(COMPONENTS) for b in COMPONENTS[i + 1 :]
)


class CrossSums(NamedTuple):
    """The daily-rollup columns holding sum(y_i y_k), sum(y_i d_k), sum(d_i y_k) and
    sum(d_i d_k) of a pair of components; where a denominator is every conversation
    the sum is one the rollup already has (y_sum, d_sum), else a cov_<i>_<k>_*_sum
    product column (`products`: term, term, column)."""

    yy: str
    yd: str
    dy: str
    dd: str
    products: tuple[tuple[str, str, str], ...]


def cross_sums(a: str, b: str) -> CrossSums:
    """The cross sums of components a and b (docs/METRICS.md, "Intervals")."""
    ta, tb = COMPONENT_SUMS[a], COMPONENT_SUMS[b]
    name = f"cov_{a}_{b}"
    products = [(f"{a}_y", f"{b}_y", f"{name}_yy_sum")]
    if tb.has_d:
        products.append((f"{a}_y", f"{b}_d", f"{name}_yd_sum"))
    if ta.has_d:
        products.append((f"{a}_d", f"{b}_y", f"{name}_dy_sum"))
    if ta.has_d and tb.has_d:
        products.append((f"{a}_d", f"{b}_d", f"{name}_dd_sum"))
    yd = f"{name}_yd_sum" if tb.has_d else ta.y_sum
    dy = f"{name}_dy_sum" if ta.has_d else tb.y_sum
    # sum(d_a d_b): its own column when both have a denominator, else the other's d
    single = ta.d_sum if ta.has_d else tb.d_sum
    dd = f"{name}_dd_sum" if ta.has_d and tb.has_d else single
    return CrossSums(f"{name}_yy_sum", yd, dy, dd, tuple(products))


# The two-sided 95 % normal quantile of every interval.
Z95: float = 1.959963984540054


class FollowerBucket(NamedTuple):
    """A range of customer follower counts (author_followers of the conversation's
    first inbound message): from the previous bucket's `below` (0 for the first) up to
    `below`, exclusive; `below` None means no upper bound."""

    label: str
    below: int | None
    phrase: str  # in words, for verdicts ("... than customers with <phrase>")


FOLLOWER_BUCKET_TABLE: tuple[FollowerBucket, ...] = (
    FollowerBucket("<100", 100, "fewer than 100 followers"),
    FollowerBucket("100-1k", 1_000, "100 to 1k followers"),
    FollowerBucket("1k-10k", 10_000, "1k to 10k followers"),
    FollowerBucket("10k-100k", 100_000, "10k to 100k followers"),
    FollowerBucket(">=100k", None, "100k or more followers"),
)
# A conversation whose first inbound message carries no follower count.
UNKNOWN_BUCKET = "unknown"
# The buckets of a known follower count, smallest audience first (the premiums compare
# the first and the last of these).
KNOWN_FOLLOWER_BUCKETS: tuple[str, ...] = tuple(b.label for b in FOLLOWER_BUCKET_TABLE)
# Every value of conversations.follower_bucket, in display order ('unknown' last).
FOLLOWER_BUCKETS: tuple[str, ...] = (*KNOWN_FOLLOWER_BUCKETS, UNKNOWN_BUCKET)
FOLLOWER_BUCKET_PHRASES: dict[str, str] = {b.label: b.phrase for b in FOLLOWER_BUCKET_TABLE}

# First-response target (seconds) of an entry channel the config sets no target for;
# also the social channels' target in the packaged defaults (default_config.toml, which
# a test keeps equal to this).
DEFAULT_TARGET_S: float = 3600.0
