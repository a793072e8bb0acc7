-- name: happiness_by_period
-- purpose: the Customer Happiness Index and its five components per period, with the
--          sums their 95 % intervals are built from (dashboard/views/intervals.py),
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

-- every sum stays in the output: dashboard/views/intervals.py builds the 95 %
-- intervals from them
select * rename (conversations_n as conversations)
from scores
order by period_start, brand nulls first, channel nulls first
