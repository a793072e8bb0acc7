-- name: consistency_journeys
-- purpose: conversations that switched channel against those that stayed on one:
--          n, share of all conversations, the five components and the index of
--          each group, built from the additive sums of the daily rollup (daily_sums).
-- grain: brand (null when not split) x switched_channel (true / false).
-- params:
--   $date_from, $date_to  first and last local day included (DATE)
--   $tz                   display time zone that assigns days
--   $brands, $channels    lists to keep (channels = entry channels); empty keeps all
--   $split_brand          boolean: one pair of rows per brand, else one pair overall
--   $weights              the index weights {mood, speed, resolution, effort, satisfaction}
-- note: a conversation switched channel when its messages (any direction) use more
--   than one channel (conversations.switched_channel); both groups are always
--   returned, with 0 conversations and null components when empty.

with

daily_sums as (
    select * from daily_sums
),

in_scope as (
    select
        *,
        case when $split_brand then brand end as brand_group
    from daily_sums
    where tz = $tz
        and in_days(day, $date_from, $date_to)
        and in_selection(brand, channel, $brands, $channels)
),

sums as (
    select * from summed(in_scope, ['brand_group', 'switched_channel'])
),

scores as (
    select * from scored(sums, $weights)
),

groups as (
    -- every brand group gets both rows, so "no switched conversations" reads as 0
    select brands.brand_group, switched.switched_channel
    from (select distinct brand_group from in_scope) as brands
    cross join (values (true), (false)) as switched(switched_channel)
),

filled as (
    select
        groups.brand_group as brand,
        groups.switched_channel,
        coalesce(scores.conversations_n, 0) as conversations,
        sum(coalesce(scores.conversations_n, 0)) over (partition by groups.brand_group)
            as brand_conversations,
        scores.response_rate,
        scores.mood,
        scores.speed,
        scores.resolution,
        scores.effort,
        scores.satisfaction,
        scores.happiness_index
    from groups
    left join scores
        on groups.brand_group is not distinct from scores.brand_group
        and groups.switched_channel = scores.switched_channel
)

select
    brand,
    switched_channel,
    conversations,
    share_score(conversations, brand_conversations) as share_pct,
    response_rate,
    mood,
    speed,
    resolution,
    effort,
    satisfaction,
    happiness_index
from filled
order by brand, switched_channel desc
