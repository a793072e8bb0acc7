-- name: daily_alerts
-- purpose: the days that broke a series' own pattern (docs/METRICS.md, "Alerts"). A
--          series is a brand (over the selected entry channels) or a brand x entry
--          channel; its metrics are the day's volume (conversations), index and mood.
--          Each day is compared with the same series' previous $window_days days
--          (only the same weekday when $seasonal = 'weekday'): expected = their
--          median, score = (value - expected) / (1.4826 x max(MAD, floor)), a robust
--          z. Returned: the days of $date_from..$date_to whose |score| reaches
--          $z_threshold, with the day's sums, from which dashboard/views/alerts.py
--          checks the day's own 95 % interval of an index or mood alert.
-- grain: day x brand x channel (null: the brand over every selected channel) x metric
--        ('volume' | 'index' | 'mood'), alerts only; newest first.
-- params:
--   $date_from, $date_to   the local days whose alerts are returned (DATE, inclusive)
--   $history_from          the first local day read for the histories (DATE:
--                          $date_from minus $window_days)
--   $tz, $brands, $channels  as in happiness_by_period
--   $weights               the index weights {mood, speed, resolution, effort, satisfaction}
--   $window_days           the days before a day that form its history (e.g. 28)
--   $seasonal              'none' | 'weekday' (only the same weekday of the window)
--   $min_history           history days with a value a baseline needs (e.g. 14)
--   $min_n                 conversations (for mood: with a mood) a day needs for its
--                          index or mood to have a value; the least count of a
--                          volume alert (the day's or the expected)
--   $z_threshold           |score| from which a day is an alert (e.g. 4)
--   $floor_volume, $floor_index, $floor_mood  the least MAD of each metric
--                          (conversations, index points, mood points)

with

daily_sums as (
    select * from daily_sums
),

in_scope as (
    select * from daily_sums
    where tz = $tz
        and in_days(day, $history_from, $date_to)
        and in_selection(brand, channel, $brands, $channels)
),

series_rows as (
    -- each row twice: for its brand x channel series and, with a null channel, for
    -- its brand over every selected channel (one summed() for both: a quicker plan)
    select * from in_scope
    union all
    select * replace (null::varchar as channel) from in_scope
),

group_days as (
    select * from summed(series_rows, ['day', 'brand', 'channel'])
),

day_scores as materialized (
    select * from scored(group_days, $weights)
),

series_spans as (
    -- a series runs from its first day in scope to the selection's last day with data
    select
        brand,
        channel,
        min(day) as first_day,
        (select max(day) from in_scope) as last_day
    from group_days
    group by brand, channel
),

calendar as (
    -- every day of every series: a day without conversations has a volume of 0
    select
        brand,
        channel,
        unnest(generate_series(first_day, last_day, interval 1 day))::date as day
    from series_spans
),

metric_values as (
    -- one row per series, day and metric that has a value. Business rule: an index or
    -- mood on fewer than $min_n conversations (with a mood) has no value: it neither
    -- alerts nor counts in a history (a day of 5 conversations swings)
    select
        calendar.day,
        calendar.brand,
        calendar.channel,
        'volume' as metric,
        coalesce(day_scores.conversations_n, 0)::double as value,
        coalesce(day_scores.conversations_n, 0) as n,
        $floor_volume::double as mad_floor
    from calendar
    left join day_scores
        on day_scores.day = calendar.day
        and day_scores.brand = calendar.brand
        and day_scores.channel is not distinct from calendar.channel
    union all
    select day, brand, channel, 'index', happiness_index, conversations_n, $floor_index::double
    from day_scores
    where conversations_n >= $min_n and happiness_index is not null
    union all
    select day, brand, channel, 'mood', mood, mood_sentiment_n, $floor_mood::double
    from day_scores
    where mood_sentiment_n >= $min_n
),

numbered_values as (
    -- days as numbers (a quicker window frame); with 'weekday', one series per weekday
    select
        *,
        (day - date '2000-01-01')::integer as day_number,
        case when $seasonal = 'weekday' then isodow(day) else 0 end as season
    from metric_values
),

histories as (
    -- the previous $window_days days (day - window .. day - 1) of the same series and
    -- metric: how many have a value, and their median (the expected value)
    select
        *,
        count(value) over previous_days as history_days,
        quantile_cont(value, 0.5) over previous_days as expected
    from numbered_values
    window previous_days as (
        partition by brand, channel, metric, season
        order by day_number
        range between $window_days::integer preceding and 1 preceding
    )
),

least_spreads as (
    -- the least MAD: the metric's floor, and for a count sqrt(expected) / 1.4826 (chance
    -- alone, Poisson, spreads a count of m by about sqrt(m))
    select
        *,
        greatest(
            mad_floor, case when metric = 'volume' then sqrt(expected) / 1.4826 else 0 end
        ) as least_mad
    from histories
    where day >= $date_from::date
        and history_days >= $min_history
),

candidates as (
    -- only a day this far from its median can reach the threshold, whatever its MAD:
    -- the MADs below are computed for these few days only
    select * from least_spreads
    where abs(value - expected) >= $z_threshold * 1.4826 * least_mad
),

deviations as (
    -- each candidate's MAD: the median of its history's distances from the expected value
    select
        candidates.day,
        candidates.brand,
        candidates.channel,
        candidates.metric,
        median(abs(past.value - candidates.expected)) as mad
    from candidates
    join metric_values as past
        on past.brand = candidates.brand
        and past.channel is not distinct from candidates.channel
        and past.metric = candidates.metric
        and past.day >= candidates.day - $window_days::integer
        and past.day < candidates.day
        and ($seasonal <> 'weekday' or isodow(past.day) = isodow(candidates.day))
    group by all
),

robust_scores as (
    -- the robust z: 1.4826 x MAD estimates a standard deviation
    select
        candidates.*,
        deviations.mad,
        (candidates.value - candidates.expected)
            / (1.4826 * greatest(deviations.mad, candidates.least_mad)) as score
    from candidates
    join deviations
        on deviations.day = candidates.day
        and deviations.brand = candidates.brand
        and deviations.channel is not distinct from candidates.channel
        and deviations.metric = candidates.metric
),

alerts as (
    -- Business rule: a volume alert needs $min_n conversations on the day or expected
    -- (a channel going from 2 to 7 a day is not news)
    select * from robust_scores
    where abs(score) >= $z_threshold
        and (metric <> 'volume' or greatest(value, expected) >= $min_n)
)

select
    alerts.day,
    alerts.brand,
    alerts.channel,
    alerts.metric,
    alerts.value,
    alerts.expected,
    alerts.mad,
    alerts.score,
    alerts.n,
    alerts.history_days,
    case when alerts.value > alerts.expected then 'up' else 'down' end as direction,
    -- the day's sums and scores: dashboard/views/intervals.py builds their intervals
    day_scores.* exclude (day, brand, channel)
from alerts
left join day_scores
    on day_scores.day = alerts.day
    and day_scores.brand = alerts.brand
    and day_scores.channel is not distinct from alerts.channel
order by alerts.day desc, alerts.brand, alerts.channel nulls first, alerts.metric
