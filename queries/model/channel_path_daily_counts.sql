-- name: channel_path_daily_counts
-- purpose: the channel journeys' rollup: per local day, brand and entry channel, how
--          many conversations that switched channel took each path of channels (in
--          order of first appearance, e.g. 'twitter -> email'), so the channel paths
--          (queries/views/channel_paths.sql) sum a few rows per path instead of
--          reading the conversations. Stored per month beside the daily sums
--          (dashboard/data/rollup/daily.py, rollups/channel_path_daily/) and loaded at
--          connect like them, with a `tz` column. The conversations that stayed on one
--          channel are counted in daily_sums (switched_channel false).
-- grain: local day x brand x channel x channel_path, switched conversations only.
-- params:
--   $tz  the time zone whose calendar days the conversations are assigned to (by their
--        first inbound message), as in daily_sums
-- tables: conversations (switched_channel, channel_path: computed once by the
--   conversation rollup, queries/model/conversation_facts.sql)
-- note: plain, portable SQL: the Spark engine translates it.

with

conversations as (
    select * from conversations
),

switched as (
    select
        timezone($tz, first_inbound_at)::date as day,
        brand,
        channel,
        channel_path
    from conversations
    where switched_channel
)

select
    day,
    brand,
    channel,
    channel_path,
    cast(count(*) as bigint) as conversations_n
from switched
group by day, brand, channel, channel_path
