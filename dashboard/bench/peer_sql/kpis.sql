-- The overview's headline figures of the selection, from the raw log (peer_duckdb.py):
-- conversations, response rate, median first response, Speed and the index.
-- Grain: one row.
-- Params:
--   $files             the raw interactions' Parquet glob
--   $tz                the time zone of the local days
--   $stayed            true under the stayed_resolved rule
--   $default_target_s  the target of a channel without its own
--   $weights           the index weights (struct: mood, speed, resolution, effort,
--                      satisfaction)
--   $date_from, $date_to  the local days of the selection (inclusive)

with

conversations as (
    from peer_conversations($files, $tz, $stayed, $default_target_s, $date_from, $date_to)
),

summed as (
    select
        peer_sums(answered, mood, within, resolved, effortless, csat) as s,
        median(first_response_s) as first_response_s
    from conversations
)

select
    s.conversations,
    peer_share(s.answered_n, s.conversations) as response_rate,
    first_response_s,
    peer_share(s.within_n, s.timed_n) as speed,
    peer_index(s, $weights) as happiness_index
from summed
