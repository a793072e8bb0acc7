-- name: channel_paths
-- purpose: the channel paths customers take: for each conversation, its channels
--          in order of first appearance joined by ' -> ' (e.g. 'twitter -> email'),
--          counted per path.
-- grain: brand (null when not split: never collides with a brand named 'all') x path.
-- params:
--   $date_from, $date_to  first and last local day included (DATE)
--   $tz                   display time zone that assigns days
--   $brands, $channels    lists to keep (channels = entry channels); empty keeps all
--   $split_brand          boolean: paths per brand, else over the whole selection
-- rules: only conversations with >= 1 inbound message (the conversations table);
--   messages of every direction count; first appearance follows the conversations
--   ordering rule (created_at, inbound first at equal times, then interaction_id).
--   A single-channel conversation's path is its channel (counted from the daily
--   rollup); a switched one's path is computed once by the conversation rollup
--   (queries/model/conversation_facts.sql) and counted per local day in
--   channel_path_daily_counts.

with

daily_sums as (
    select * from daily_sums
),

channel_path_daily_counts as (
    select * from channel_path_daily_counts
),

single_channel as (
    -- a conversation that stayed on one channel: its path is its entry channel
    select
        case when $split_brand then brand end as brand_group,
        channel as path,
        1 as channels_in_path,
        conversations_n
    from daily_sums
    where tz = $tz
        and in_days(day, $date_from, $date_to)
        and in_selection(brand, channel, $brands, $channels)
        and not switched_channel
),

switched as (
    -- the conversations that switched channel, counted per path and local day
    select
        case when $split_brand then brand end as brand_group,
        channel_path as path,
        len(string_split(channel_path, ' -> ')) as channels_in_path,
        conversations_n
    from channel_path_daily_counts
    where tz = $tz
        and in_days(day, $date_from, $date_to)
        and in_selection(brand, channel, $brands, $channels)
),

paths as (
    select * from single_channel
    union all
    select * from switched
),

counted as (
    select
        brand_group as brand,
        path,
        channels_in_path,
        sum(conversations_n)::bigint as conversations_n
    from paths
    group by brand_group, path, channels_in_path
)

select
    brand,
    path,
    channels_in_path,
    conversations_n as conversations,
    share_score(conversations_n, sum(conversations_n) over (partition by brand)) as share_pct
from counted
order by brand, conversations_n desc, path
