-- name: overview_kpis
-- purpose: the executive KPI tiles for a period and the previous period of
--          equal length: conversations, response rate, median first response,
--          share answered within target, and the happiness index.
-- grain: one row per period ('current', 'previous').
-- params:
--   $date_from, $date_to, $prev_from, $prev_to  local days (DATE), inclusive
--   $tz, $brands, $channels                     as in happiness_by_period
--   $w_mood, $w_speed, $w_resolution, $w_effort, $w_satisfaction

with

daily_sums as (
    select * from daily_sums
),

response_times as (
    select * from response_times
),

labelled_days as (
    select
        *,
        case
            when day >= $date_from::date and day <= $date_to::date then 'current'
            when day >= $prev_from::date and day <= $prev_to::date then 'previous'
        end as period
    from daily_sums
    where tz = $tz
        and (len($brands) = 0 or list_contains($brands, brand))
        and (len($channels) = 0 or list_contains($channels, channel))
),

day_sums as (
    select
        period,
        sum(conversations)::bigint as conversations,
        sum(answered_n)::bigint as answered_n,
        sum(within_target_n)::bigint as within_target_n,
        sum(resolved_n)::bigint as resolved_n,
        sum(effortless_n)::bigint as effortless_n,
        sum(mood_sum)::double as mood_sum,
        sum(mood_n)::bigint as mood_n,
        sum(rated_n)::bigint as rated_n,
        sum(satisfied_n)::bigint as satisfied_n
    from labelled_days
    where period is not null
    group by period
),

labelled_responses as (
    -- the median needs the conversations: the same local days as instant ranges
    select
        first_response_s,
        case
            when first_inbound_at >= local_day_start($tz, $date_from)
                and first_inbound_at < local_day_start($tz, $date_to::date + 1)
                then 'current'
            when first_inbound_at >= local_day_start($tz, $prev_from)
                and first_inbound_at < local_day_start($tz, $prev_to::date + 1)
                then 'previous'
        end as period
    from response_times
    where first_inbound_at >= local_day_start($tz, least($date_from::date, $prev_from::date))
        and first_inbound_at < local_day_start($tz, greatest($date_to::date, $prev_to::date) + 1)
        and (len($brands) = 0 or list_contains($brands, brand))
        and (len($channels) = 0 or list_contains($channels, channel))
),

answered_times as (
    select
        period,
        median(first_response_s) as median_first_response_s
    from labelled_responses
    where period is not null
    group by period
),

sums as (
    select
        day_sums.*,
        answered_times.median_first_response_s
    from day_sums
    left join answered_times on day_sums.period = answered_times.period
),

periods as (
    select * from (values ('current'), ('previous')) as p(period)
)

select
    periods.period,
    coalesce(sums.conversations, 0) as conversations,
    share_score(sums.answered_n, sums.conversations) as response_rate,
    sums.median_first_response_s,
    share_score(sums.within_target_n, sums.conversations) as within_target_share,
    happiness_index(
        mood_score(sums.mood_sum, sums.mood_n),
        share_score(sums.within_target_n, sums.conversations),
        share_score(sums.resolved_n, sums.conversations),
        share_score(sums.effortless_n, sums.conversations),
        share_score(sums.satisfied_n, sums.rated_n),
        $w_mood, $w_speed, $w_resolution, $w_effort, $w_satisfaction
    ) as index
from periods
left join sums on periods.period = sums.period
order by periods.period
