-- name: movers_by_group
-- purpose: the index of each brand (or brand x entry channel) in a period and in the
--          previous period, with the sums from which dashboard/views/movers.py
--          builds each index's variance and the 95 % interval of its change
--          (docs/METRICS.md, "Movers"), from the daily rollup.
-- grain: period ('current' | 'previous') x brand x channel (null when not split by
--        channel); a group without conversations in a period has no row for it.
-- params:
--   $date_from, $date_to, $prev_from, $prev_to  local days (DATE), inclusive
--   $tz, $brands, $channels                     as in happiness_by_period
--   $split_channel                              boolean: a row per entry channel
--   $weights                                    the index weights (a struct)

with

daily_sums as (
    select * from daily_sums
),

labelled_days as (
    select
        * replace (case when $split_channel then channel end as channel),
        case
            when in_days(day, $date_from, $date_to) then 'current'
            when in_days(day, $prev_from, $prev_to) then 'previous'
        end as period
    from daily_sums
    where tz = $tz
        and in_days(
            day, least($date_from::date, $prev_from::date), greatest($date_to::date, $prev_to::date)
        )
        and in_selection(brand, channel, $brands, $channels)
),

in_scope as (
    select * from labelled_days
    where period is not null
),

sums as (
    select * from summed(in_scope, ['period', 'brand', 'channel'])
),

scores as (
    select * from scored(sums, $weights)
)

-- every sum stays in the output: the intervals are built from them
select * from scores
order by brand, channel nulls first, period
