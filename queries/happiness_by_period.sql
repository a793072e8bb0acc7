-- name: happiness_by_period
-- purpose: the Customer Happiness Index and its five components per period,
--          optionally split by brand and/or channel, built from additive sums.
-- grain: period_start x brand x channel ('all' where not split).
-- params:
--   $date_from, $date_to  first and last local day included (DATE)
--   $tz                   display time zone that assigns days (e.g. 'UTC', 'Europe/Paris')
--   $brands, $channels    lists to keep; an empty list keeps all
--   $grain                'day' | 'week' | 'month' | 'all'
--   $split_brand, $split_channel  booleans
--   $w_mood, $w_speed, $w_resolution, $w_effort, $w_satisfaction  index weights

with

conversations as (
    select * from conversations
),

in_scope as (
    -- a conversation belongs to the period of its first inbound message, in local time
    select
        *,
        timezone($tz, first_inbound_at) as local_start
    from conversations
    where (len($brands) = 0 or list_contains($brands, brand))
        and (len($channels) = 0 or list_contains($channels, channel))
),

dated as (
    select * from in_scope
    where local_start >= $date_from::timestamp
        and local_start < ($date_to::date + 1)::timestamp
),

sums as (
    select
        period_start(local_start, $grain, $date_from::date) as period_start,
        case when $split_brand then brand else 'all' end as brand,
        case when $split_channel then channel else 'all' end as channel,
        count(*) as conversations,
        count(*) filter (where answered) as answered_n,
        count(*) filter (where within_target) as within_target_n,
        count(*) filter (where resolved) as resolved_n,
        count(*) filter (where resolved_is_proxy) as resolved_proxy_n,
        count(*) filter (where effortless) as effortless_n,
        sum(mood) as mood_sum,
        count(mood) as mood_n,
        count(csat) as rated_n,
        count(*) filter (where csat >= 4) as satisfied_n,
        median(first_response_s) as median_first_response_s
    from dated
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
    median_first_response_s,
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
