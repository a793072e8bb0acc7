-- The index per week (Monday to Sunday) of the selection, from the raw log
-- (peer_duckdb.py): the overview's trend, or the Happiness page's lines by brand.
-- Grain: one row per week, or per brand and week; brand is null unless $by_brand.
-- Params:
--   $files             the raw interactions' Parquet glob
--   $tz                the time zone of the local days
--   $stayed            true under the stayed_resolved rule
--   $default_target_s  the target of a channel without its own
--   $weights           the index weights (struct: mood, speed, resolution, effort,
--                      satisfaction)
--   $date_from, $date_to  the local days of the selection (inclusive)
--   $by_brand          one line per brand (the Happiness page) or one in all

with

conversations as (
    from peer_conversations($files, $tz, $stayed, $default_target_s, $date_from, $date_to)
),

weekly as (
    select
        case when $by_brand then brand end as brand,
        date_trunc('week', day)::date as week,
        peer_sums(answered, mood, within, resolved, effortless, csat) as s
    from conversations
    group by all
)

select brand, week, s.conversations, peer_index(s, $weights) as happiness_index
from weekly
