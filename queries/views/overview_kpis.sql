-- name: overview_kpis
-- purpose: the executive KPI tiles for a period and the previous period of
--          equal length: conversations, response rate, median, mean and 90th
--          percentile first response, share answered within target, the happiness
--          index, drop rate, reopen rate, NPS and sentiment lift; each with the n it
--          is computed over, with the sums their 95 % intervals are built from
--          (dashboard/views/intervals.py; the percentiles' intervals:
--          response_time_order_statistics). The median and the 90th percentile come
--          from the response-time sketch (sketch_quantiles: within the relative
--          accuracy alpha of the exact quantile_cont, docs/METRICS.md "Percentiles"; the
--          whole months of a period from its month grain, the edge days from its day
--          grain: sketch_rows).
-- grain: one row per period ('current', 'previous').
-- params:
--   $date_from, $date_to, $prev_from, $prev_to  local days (DATE), inclusive
--   $tz, $brands, $channels                     as in happiness_by_period
--   $weights                                    the index weights (a struct)

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

labelled_days as (
    select
        *,
        case
            when in_days(day, $date_from, $date_to) then 'current'
            when in_days(day, $prev_from, $prev_to) then 'previous'
        end as period
    from daily_sums
    where tz = $tz
        and in_selection(brand, channel, $brands, $channels)
),

in_scope as (
    select * from labelled_days
    where period is not null
),

sums as (
    select * from summed(in_scope, ['period'])
),

scores as (
    select * from scored(sums, $weights)
),

period_buckets as (
    -- the sketch's counts of the same local days (the same conversations): whole
    -- months from the month grain, the edge days from the day grain (sketch_rows)
    select 'current' as period, bucket_index, responses_n
    from sketch_rows(response_time_buckets, response_time_day_buckets, $date_from, $date_to)
    where tz = $tz
        and in_selection(brand, channel, $brands, $channels)
    union all
    select 'previous' as period, bucket_index, responses_n
    from sketch_rows(response_time_buckets, response_time_day_buckets, $prev_from, $prev_to)
    where tz = $tz
        and in_selection(brand, channel, $brands, $channels)
),

answered_times as (
    -- both percentiles from one pass over each period's summed buckets
    select
        period,
        cont_s as percentiles_s
    from sketch_quantiles(period_buckets, ['period'], [0.5, 0.9])
),

periods as (
    select * from (values ('current'), ('previous')) as p(period)
)

select
    periods.period,
    coalesce(scores.conversations_n, 0) as conversations,
    coalesce(scores.answered_n, 0) as answered,
    coalesce(scores.timed_n, 0) as timed,
    coalesce(scores.first_response_n, 0) as first_responses,
    coalesce(scores.marked_resolved_n, 0) as marked_resolved,
    coalesce(scores.nps_n, 0) as nps_rated,
    coalesce(scores.sentiment_lift_n, 0) as sentiment_lift_conversations,
    answered_times.percentiles_s[1] as median_first_response_s,
    answered_times.percentiles_s[2] as p90_first_response_s,
    scores.speed as within_target_share,
    -- the sums and scores, from which dashboard/views/intervals.py builds the intervals
    scores.* exclude (period)
from periods
left join scores on periods.period = scores.period
left join answered_times on scores.period = answered_times.period
order by periods.period
