-- The index per brand of the selection, from the raw log (peer_duckdb.py):
-- the Happiness page's brands over the period, and the board's brands over each of its periods.
-- Grain: one row per brand.
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
    from peer_conversations($files, $tz, $stayed, $default_target_s)
    where day between $date_from and $date_to
),

summed as (
    select brand, peer_sums(answered, mood, within, resolved, effortless, csat) as s
    from conversations
    group by all
)

select brand, s.conversations, peer_index(s, $weights) as happiness_index
from summed
