-- name: consistency_journeys
-- purpose: conversations that switched channel against those that stayed on one:
--          n, share of all conversations, the five components and the index of
--          each group, built from the additive sums of the daily rollup (daily_sums).
-- grain: brand ('all' when not split) x switched_channel (true / false).
-- params:
--   $date_from, $date_to  first and last local day included (DATE)
--   $tz                   display time zone that assigns days
--   $brands, $channels    lists to keep (channels = entry channels); empty keeps all
--   $split_brand          boolean: one pair of rows per brand, else one pair overall
--   $w_mood, $w_speed, $w_resolution, $w_effort, $w_satisfaction  index weights
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
        case when $split_brand then brand else 'all' end as brand_group
    from daily_sums
    where tz = $tz
        and day >= $date_from::date
        and day <= $date_to::date
        and (len($brands) = 0 or list_contains($brands, brand))
        and (len($channels) = 0 or list_contains($channels, channel))
),

groups as (
    -- every brand group gets both rows, so "no switched conversations" reads as 0
    select brands.brand_group, switched.switched_channel
    from (select distinct brand_group from in_scope) as brands
    cross join (values (true), (false)) as switched(switched_channel)
),

sums as (
    select
        brand_group,
        switched_channel,
        sum(conversations)::bigint as conversations,
        sum(answered_n)::bigint as answered_n,
        sum(within_target_n)::bigint as within_target_n,
        sum(resolved_n)::bigint as resolved_n,
        sum(effortless_n)::bigint as effortless_n,
        sum(mood_sum)::double as mood_sum,
        sum(mood_n)::bigint as mood_n,
        sum(rated_n)::bigint as rated_n,
        sum(satisfied_n)::bigint as satisfied_n
    from in_scope
    group by brand_group, switched_channel
),

components as (
    select
        groups.brand_group as brand,
        groups.switched_channel,
        coalesce(sums.conversations, 0) as conversations,
        sum(coalesce(sums.conversations, 0)) over (partition by groups.brand_group)
            as brand_conversations,
        share_score(sums.answered_n, sums.conversations) as response_rate,
        mood_score(sums.mood_sum, sums.mood_n) as mood,
        share_score(sums.within_target_n, sums.conversations) as speed,
        share_score(sums.resolved_n, sums.conversations) as resolution,
        share_score(sums.effortless_n, sums.conversations) as effort,
        share_score(sums.satisfied_n, sums.rated_n) as satisfaction
    from groups
    left join sums
        on groups.brand_group = sums.brand_group
        and groups.switched_channel = sums.switched_channel
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
    happiness_index(
        mood, speed, resolution, effort, satisfaction,
        $w_mood, $w_speed, $w_resolution, $w_effort, $w_satisfaction
    ) as index
from components
order by brand, switched_channel desc
