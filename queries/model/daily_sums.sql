-- name: daily_sums
-- purpose: the daily rollup: additive sums and counts per local day, brand, entry
--          channel, follower bucket and switched/single channel, from which every
--          page's index, components, KPIs and n are built (sums of sums are exact).
--          Stored per month under <data dir>/rollups/daily/ (dashboard/data/rollup/daily.py)
--          and loaded at connect as the `daily_sums` table, with a `tz` column.
-- columns: the keys, then one additive column per count (ending in _n; conversations_n
--   is the number of conversations) or sum (ending in _sum); the view queries add
--   them up with the summed() macro of queries/_macros.sql, which lists every one.
-- grain: local day x brand x channel x follower_bucket x switched_channel.
-- params:
--   $tz  the time zone whose calendar days the conversations are assigned to (by
--        their first inbound message), e.g. 'UTC', 'Europe/Paris'
-- tables: conversations (one row per conversation, with the current config's
--         targets and the data's as-of time applied)

with

conversations as (
    select * from conversations
)

select
    timezone($tz, first_inbound_at)::date as day,
    brand,
    channel,
    follower_bucket,
    switched_channel,
    count(*)::bigint as conversations_n,
    count(*) filter (where answered)::bigint as answered_n,
    count(*) filter (where within_target)::bigint as within_target_n,
    count(*) filter (where resolved)::bigint as resolved_n,
    count(*) filter (where resolved_is_proxy)::bigint as resolved_proxy_n,
    count(*) filter (where effortless)::bigint as effortless_n,
    sum(mood_sentiment)::double as mood_sentiment_sum,
    count(mood_sentiment)::bigint as mood_sentiment_n,
    count(csat)::bigint as rated_n,
    count(*) filter (where csat >= 4)::bigint as satisfied_n
from conversations
group by all
