-- name: happiness_lines
-- purpose: the Customer Happiness Index and its components per period for the lines
--          of the Happiness chart: each brand named in $shown_brands on its own line,
--          and every other brand of the selection in ONE line, "all others" (brand
--          null), built from the summed daily sums of those brands (a real aggregate of
--          their conversations, never an average of their indices; docs/METRICS.md,
--          "What the charts draw").
-- grain: period_start x brand (null: all the other brands of the selection together)
-- params:
--   $date_from, $date_to  first and last local day included (DATE)
--   $tz                   display time zone that assigns days (e.g. 'UTC', 'Europe/Paris')
--   $brands, $channels    lists to keep; an empty list keeps all
--   $grain                'day' | 'week' | 'month' | 'all'
--   $shown_brands         the brands drawn on their own line (a list)
--   $weights              the index weights {mood, speed, resolution, effort, satisfaction}

with

daily_sums as (
    select * from daily_sums
),

in_scope as (
    -- a conversation belongs to the local day of its first inbound message; a brand
    -- not shown on its own line is summed into the one "all others" line (null)
    select
        * replace (
            case when list_contains($shown_brands, brand) then brand end as brand
        ),
        period_start(day, $grain, $date_from::date) as period_start
    from daily_sums
    where tz = $tz
        and in_days(day, $date_from, $date_to)
        and in_selection(brand, channel, $brands, $channels)
),

sums as (
    select * from summed(in_scope, ['period_start', 'brand'])
),

scores as (
    select * from scored(sums, $weights)
)

-- every sum stays in the output: dashboard/views/intervals.py builds the 95 %
-- intervals from them
select
    * rename (conversations_n as conversations),
    brand is null as is_others
from scores
order by period_start, brand nulls last
