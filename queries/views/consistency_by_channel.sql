-- name: consistency_by_channel
-- purpose: the per-channel KPI table of the Channel consistency page: for each
--          brand x entry channel, n, response rate, median and 90th-percentile
--          first response, the five index components and the index, built from
--          the additive sums of the daily rollup (like happiness_by_period); the
--          percentiles from the conversations.
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

daily_sums as (
    select * from daily_sums
),

response_times as (
    select * from response_times
),

in_scope as (
    -- a conversation belongs to the local day of its first inbound message
    select * from daily_sums
    where tz = $tz
        and day >= $date_from::date
        and day <= $date_to::date
        and (len($brands) = 0 or list_contains($brands, brand))
        and (len($channels) = 0 or list_contains($channels, channel))
),

day_sums as (
    select
        brand,
        channel,
        sum(conversations)::bigint as conversations,
        sum(answered_n)::bigint as answered_n,
        sum(within_target_n)::bigint as within_target_n,
        sum(resolved_n)::bigint as resolved_n,
        sum(resolved_proxy_n)::bigint as resolved_proxy_n,
        sum(effortless_n)::bigint as effortless_n,
        coalesce(sum(conversations) filter (where switched_channel), 0)::bigint as switched_n,
        sum(mood_sum)::double as mood_sum,
        sum(mood_n)::bigint as mood_n,
        sum(rated_n)::bigint as rated_n,
        sum(satisfied_n)::bigint as satisfied_n
    from in_scope
    group by brand, channel
),

answered_times as (
    -- percentiles need the conversations themselves; the same local days, as an
    -- instant range on first_inbound_at
    select
        brand,
        channel,
        -- both percentiles from one sort of each group's times
        quantile_cont(first_response_s, [0.5, 0.9]) as percentiles_s
    from response_times
    where first_inbound_at >= local_day_start($tz, $date_from)
        and first_inbound_at < local_day_start($tz, $date_to::date + 1)
        and (len($brands) = 0 or list_contains($brands, brand))
        and (len($channels) = 0 or list_contains($channels, channel))
    group by brand, channel
),

sums as (
    select
        day_sums.*,
        answered_times.percentiles_s[1] as median_first_response_s,
        answered_times.percentiles_s[2] as p90_first_response_s
    from day_sums
    left join answered_times
        on day_sums.brand = answered_times.brand
        and day_sums.channel = answered_times.channel
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
