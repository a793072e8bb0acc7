-- name: consistency_by_channel
-- purpose: the per-channel KPI table of the Channel consistency page: for each
--          brand x entry channel, n, response rate, median and 90th-percentile
--          first response, the five index components and the index, built from
--          the additive sums of the daily rollup (like happiness_by_period); the
--          percentiles from the response-time sketch of the same days
--          (sketch_quantiles: within the relative accuracy alpha of the exact value,
--          docs/METRICS.md "Percentiles").
-- grain: brand x channel (entry channel), over the whole selected period.
-- params:
--   $date_from, $date_to  first and last local day included (DATE)
--   $tz                   display time zone that assigns days
--   $brands, $channels    lists to keep (channels = entry channels); empty keeps all
--   $weights              the index weights {mood, speed, resolution, effort, satisfaction}
-- note: the median and the 90th percentile are taken over answered conversations
--   with known times only (the sketch counts those) and interpolate linearly between
--   neighbouring ranks, as quantile_cont does.

with

daily_sums as (
    select * from daily_sums
),

response_time_buckets as (
    select * from response_time_buckets
),

response_time_day_buckets as (
    select * from response_time_day_buckets
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

buckets_in_scope as (
    -- whole months from the month grain, the edge days from the day grain
    select *
    from sketch_rows(response_time_buckets, response_time_day_buckets, $date_from, $date_to)
    where tz = $tz
        and in_selection(brand, channel, $brands, $channels)
),

answered_times as (
    -- both percentiles from one pass over each group's summed buckets
    select
        brand,
        channel,
        cont_s as percentiles_s
    from sketch_quantiles(buckets_in_scope, ['brand', 'channel'], [0.5, 0.9])
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
