-- name: channel_paths
-- purpose: the channel paths customers take: for each conversation, its channels
--          in order of first appearance joined by ' -> ' (e.g. 'twitter -> email'),
--          counted per path.
-- grain: brand ('all' when not split) x path.
-- params:
--   $date_from, $date_to  first and last local day included (DATE)
--   $tz                   display time zone that assigns days
--   $brands, $channels    lists to keep (channels = entry channels); empty keeps all
--   $split_brand          boolean: paths per brand, else over the whole selection
-- rules: only conversations with >= 1 inbound message (the conversations table);
--   messages of every direction count; first appearance follows the conversations
--   ordering rule (created_at, inbound first at equal times, then interaction_id).
--   A single-channel conversation's path is its channel; only conversations that
--   switched channel are read from the raw log.

with

conversations as (
    select * from conversations
),

interactions as (
    select * from interactions
),

in_scope as (
    select
        brand,
        conversation_id,
        channel,
        switched_channel,
        case when $split_brand then brand else 'all' end as brand_group
    from conversations
    where (len($brands) = 0 or list_contains($brands, brand))
        and (len($channels) = 0 or list_contains($channels, channel))
        and timezone($tz, first_inbound_at) >= $date_from::timestamp
        and timezone($tz, first_inbound_at) < ($date_to::date + 1)::timestamp
),

switched as (
    select * from in_scope where switched_channel
),

first_seen as (
    -- when each channel of a switched conversation first appears
    select
        interactions.brand,
        interactions.conversation_id,
        interactions.channel,
        min((interactions.created_at, interactions.direction <> 'inbound',
             interactions.interaction_id)) as first_order
    from interactions
    semi join switched
        on interactions.brand = switched.brand
        and interactions.conversation_id = switched.conversation_id
    group by interactions.brand, interactions.conversation_id, interactions.channel
),

switched_paths as (
    select
        brand,
        conversation_id,
        string_agg(channel, ' -> ' order by first_order) as path,
        count(*) as channels_in_path
    from first_seen
    group by brand, conversation_id
),

paths as (
    select
        in_scope.brand_group,
        coalesce(switched_paths.path, in_scope.channel) as path,
        coalesce(switched_paths.channels_in_path, 1) as channels_in_path
    from in_scope
    left join switched_paths
        on in_scope.brand = switched_paths.brand
        and in_scope.conversation_id = switched_paths.conversation_id
),

counted as (
    select
        brand_group as brand,
        path,
        channels_in_path,
        count(*) as conversations
    from paths
    group by brand_group, path, channels_in_path
)

select
    brand,
    path,
    channels_in_path,
    conversations,
    share_score(conversations, sum(conversations) over (partition by brand)) as share_pct
from counted
order by brand, conversations desc, path
