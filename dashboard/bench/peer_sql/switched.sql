-- The index per brand, switched channels or not of the selection, from the raw log (peer_duckdb.py):
-- the Consistency page's journeys.
-- Grain: one row per brand, switched channels or not.
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
    select brand, switched, peer_sums(answered, mood, within, resolved, effortless, csat) as s
    from conversations
    group by all
)

select brand, switched, s.conversations, peer_index(s, $weights) as happiness_index
from summed
