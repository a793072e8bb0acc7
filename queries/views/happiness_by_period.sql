-- name: happiness_by_period
-- purpose: the Customer Happiness Index and its five components per period,
--          optionally split by brand and/or channel, built from the additive sums
--          of the daily rollup (table daily_sums, queries/daily_sums.sql).
-- grain: period_start x brand x channel ('all' where not split).
-- params:
--   $date_from, $date_to  first and last local day included (DATE)
--   $tz                   display time zone that assigns days (e.g. 'UTC', 'Europe/Paris')
--   $brands, $channels    lists to keep; an empty list keeps all
--   $grain                'day' | 'week' | 'month' | 'all'
--   $split_brand, $split_channel  booleans
--   $w_mood, $w_speed, $w_resolution, $w_effort, $w_satisfaction  index weights

with

daily_sums as (
    select * from daily_sums
),

in_scope as (
    -- a conversation belongs to the local day of its first inbound message
    select *
    from daily_sums
    where tz = $tz
        and day >= $date_from::date
        and day <= $date_to::date
        and (len($brands) = 0 or list_contains($brands, brand))
        and (len($channels) = 0 or list_contains($channels, channel))
),

sums as (
    select
        period_start(day, $grain, $date_from::date) as period_start,
        case when $split_brand then brand else 'all' end as brand,
        case when $split_channel then channel else 'all' end as channel,
        sum(conversations)::bigint as conversations,
        sum(answered_n)::bigint as answered_n,
        sum(within_target_n)::bigint as within_target_n,
        sum(resolved_n)::bigint as resolved_n,
        sum(resolved_proxy_n)::bigint as resolved_proxy_n,
        sum(effortless_n)::bigint as effortless_n,
        sum(mood_sum)::double as mood_sum,
        sum(mood_n)::bigint as mood_n,
        sum(rated_n)::bigint as rated_n,
        sum(satisfied_n)::bigint as satisfied_n
    from in_scope
    group by all
),

components as (
    select
        *,
        mood_score(mood_sum, mood_n) as mood,
        share_score(within_target_n, conversations) as speed,
        share_score(resolved_n, conversations) as resolution,
        share_score(effortless_n, conversations) as effort,
        share_score(satisfied_n, rated_n) as satisfaction
    from sums
)

select
    period_start,
    brand,
    channel,
    conversations,
    answered_n,
    within_target_n,
    resolved_n,
    resolved_proxy_n,
    effortless_n,
    mood_sum,
    mood_n,
    rated_n,
    satisfied_n,
    share_score(answered_n, conversations) as response_rate,
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
order by period_start, brand, channel
