-- name: consistency_by_channel
-- purpose: the per-channel KPI table of the Channel consistency page: for each
--          brand x entry channel, n, response rate, median and 90th-percentile
--          first response, the five index components and the index, built from
--          additive sums and counts (like happiness_by_period).
-- grain: brand x channel (entry channel), over the whole selected period.
-- params:
--   $date_from, $date_to  first and last local day included (DATE)
--   $tz                   display time zone that assigns days
--   $brands, $channels    lists to keep (channels = entry channels); empty keeps all
--   $w_mood, $w_speed, $w_resolution, $w_effort, $w_satisfaction  index weights
-- note: the median and the 90th percentile are taken over answered conversations
--   only (quantile_cont skips the null first_response_s of unanswered ones) and
--   interpolate linearly between neighbouring values.

with

conversations as (
    select * from conversations
),

in_scope as (
    -- a conversation belongs to the period of its first inbound message, in local time
    select * from conversations
    where (len($brands) = 0 or list_contains($brands, brand))
        and (len($channels) = 0 or list_contains($channels, channel))
        and timezone($tz, first_inbound_at) >= $date_from::timestamp
        and timezone($tz, first_inbound_at) < ($date_to::date + 1)::timestamp
),

sums as (
    select
        brand,
        channel,
        count(*) as conversations,
        count(*) filter (where answered) as answered_n,
        count(*) filter (where within_target) as within_target_n,
        count(*) filter (where resolved) as resolved_n,
        count(*) filter (where resolved_is_proxy) as resolved_proxy_n,
        count(*) filter (where effortless) as effortless_n,
        count(*) filter (where switched_channel) as switched_n,
        sum(mood) as mood_sum,
        count(mood) as mood_n,
        count(csat) as rated_n,
        count(*) filter (where csat >= 4) as satisfied_n,
        quantile_cont(first_response_s, 0.5) as median_first_response_s,
        quantile_cont(first_response_s, 0.9) as p90_first_response_s
    from in_scope
    group by brand, channel
),

components as (
    select
        *,
        share_score(answered_n, conversations) as response_rate,
        mood_score(mood_sum, mood_n) as mood,
        share_score(within_target_n, conversations) as speed,
        share_score(resolved_n, conversations) as resolution,
        share_score(effortless_n, conversations) as effort,
        share_score(satisfied_n, rated_n) as satisfaction
    from sums
)

select
    brand,
    channel,
    conversations,
    answered_n,
    within_target_n,
    resolved_n,
    resolved_proxy_n,
    effortless_n,
    switched_n,
    mood_sum,
    mood_n,
    rated_n,
    satisfied_n,
    response_rate,
    median_first_response_s,
    p90_first_response_s,
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
order by brand, channel
