-- name: daily_sums
-- purpose: the daily rollup: additive sums and counts per local day, brand, entry
--          channel, follower bucket and switched/single channel, from which every
--          page's index, components, intervals, KPIs and n are built (sums of sums
--          are exact). Stored per month under <data dir>/rollups/daily/
--          (dashboard/data/rollup/daily.py) and loaded at connect as the `daily_sums`
--          table, with a `tz` column.
-- columns: the keys, then (conversation_sums) one additive column per count (ending in _n; conversations_n
--   is the number of conversations) or sum (ending in _sum); the view queries add
--   them up with the summed() macro of queries/_macros.sql, which finds every one.
--   Each index component is a ratio of two sums, its y (e.g. within_target_n) over
--   its d (e.g. timed_n); the cov_<i>_<k>_<yy|yd|dy|dd>_sum columns (generated macro
--   with_index_products) are the sums of the products of two components' per-
--   conversation terms, from which scored() gets the index's 95 % interval exactly.
-- grain: local day x brand x channel x follower_bucket x switched_channel.
-- params:
--   $tz  the time zone whose calendar days the conversations are assigned to (by
--        their first inbound message), e.g. 'UTC', 'Europe/Paris'
-- tables: conversations (one row per conversation, with the current config's targets
--         and the data's as-of time applied)
-- macros: conversation_sums (queries/_macros.sql: the sums of any group of
--   conversations, with the index products of with_index_products).

with

conversations as (
    select * from conversations
),

with_day as (
    select
        *,
        timezone($tz, first_inbound_at)::date as day
    from conversations
)

select
    day,
    brand,
    channel,
    follower_bucket,
    switched_channel,
    * exclude (day, brand, channel, follower_bucket, switched_channel)
from conversation_sums(
    with_day, ['day', 'brand', 'channel', 'follower_bucket', 'switched_channel']
)
