-- name: happiness_by_period
-- purpose: the Customer Happiness Index and its five components per period,
--          optionally split by brand and/or channel, built from the additive sums
--          of the daily rollup (table daily_sums, queries/model/daily_sums.sql).
-- grain: period_start x brand x channel (null where not split: a brand may be named
--        'all', a null never collides).
-- params:
--   $date_from, $date_to  first and last local day included (DATE)
--   $tz                   display time zone that assigns days (e.g. 'UTC', 'Europe/Paris')
--   $brands, $channels    lists to keep; an empty list keeps all
--   $grain                'day' | 'week' | 'month' | 'all'
--   $split_brand, $split_channel  booleans
--   $weights              the index weights {mood, speed, resolution, effort, satisfaction}

with

daily_sums as (
    select * from daily_sums
),

in_scope as (
    -- a conversation belongs to the local day of its first inbound message
    select
        * replace (
            case when $split_brand then brand end as brand,
            case when $split_channel then channel end as channel
        ),
        period_start(day, $grain, $date_from::date) as period_start
    from daily_sums
    where tz = $tz
        and in_days(day, $date_from, $date_to)
        and in_selection(brand, channel, $brands, $channels)
),

sums as (
    select * from summed(in_scope, ['period_start', 'brand', 'channel'])
),

scores as (
    select * from scored(sums, $weights)
)

select
    period_start,
    brand,
    channel,
    conversations_n as conversations,
    answered_n,
    timed_n,
    within_target_n,
    resolved_n,
    resolved_proxy_n,
    effortless_n,
    mood_sentiment_sum,
    mood_sentiment_n,
    rated_n,
    satisfied_n,
    response_rate,
    mood,
    mood_ci_low,
    mood_ci_high,
    speed,
    speed_ci_low,
    speed_ci_high,
    resolution,
    resolution_ci_low,
    resolution_ci_high,
    effort,
    effort_ci_low,
    effort_ci_high,
    satisfaction,
    satisfaction_ci_low,
    satisfaction_ci_high,
    happiness_index,
    happiness_index_ci_low,
    happiness_index_ci_high
from scores
order by period_start, brand nulls first, channel nulls first
