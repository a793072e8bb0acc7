-- The index per brand of the selection, from the raw log (peer_duckdb.py): the
-- Happiness page's brands over the period, the board's over each of its periods, and
-- split by entry channel or by switched channels or not, the Consistency page's cells
-- and journeys.
-- Grain: one row per brand, or per brand and entry channel, or per brand and switched;
-- channel and switched are null unless split by.
-- Params:
--   $files             the raw interactions' Parquet glob
--   $tz                the time zone of the local days
--   $stayed            true under the stayed_resolved rule
--   $default_target_s  the target of a channel without its own
--   $weights           the index weights (struct: mood, speed, resolution, effort,
--                      satisfaction)
--   $date_from, $date_to  the local days of the selection (inclusive)
--   $by_channel        split by entry channel
--   $by_switched       split by switched channels or not

with

conversations as (
    from peer_conversations($files, $tz, $stayed, $default_target_s, $date_from, $date_to)
),

summed as (
    select
        brand,
        case when $by_channel then channel end as channel,
        case when $by_switched then switched end as switched,
        peer_sums(answered, mood, within, resolved, effortless, csat) as s
    from conversations
    group by all
)

select brand, channel, switched, s.conversations, peer_index(s, $weights) as happiness_index
from summed
