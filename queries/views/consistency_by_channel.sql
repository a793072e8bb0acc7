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
--   $weights              the index weights {mood, speed, resolution, effort, satisfaction}
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
        and in_days(day, $date_from, $date_to)
        and in_selection(brand, channel, $brands, $channels)
),

sums as (
    select * from summed(in_scope, ['brand', 'channel'])
),

scores as (
    select * from scored(sums, $weights)
),

answered_times as (
    -- percentiles need the conversations themselves: the same local days, as an
    -- instant range on first_inbound_at
    select
        brand,
        channel,
        -- both percentiles from one sort of each group's times
        quantile_cont(first_response_s, [0.5, 0.9]) as percentiles_s
    from response_times
    where in_local_days(first_inbound_at, $tz, $date_from, $date_to)
        and in_selection(brand, channel, $brands, $channels)
    group by brand, channel
)

-- every sum stays in the output: dashboard/views/intervals.py builds the 95 %
-- intervals from them
select
    scores.* rename (conversations_n as conversations),
    answered_times.percentiles_s[1] as median_first_response_s,
    answered_times.percentiles_s[2] as p90_first_response_s
from scores
left join answered_times
    on scores.brand = answered_times.brand
    and scores.channel = answered_times.channel
order by scores.brand, scores.channel
