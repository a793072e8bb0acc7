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

conversations as (
    select * from conversations
),

labelled as (
    select
        *,
        case
            when timezone($tz, first_inbound_at) >= $date_from::timestamp
                and timezone($tz, first_inbound_at) < ($date_to::date + 1)::timestamp
                then 'current'
            when timezone($tz, first_inbound_at) >= $prev_from::timestamp
                and timezone($tz, first_inbound_at) < ($prev_to::date + 1)::timestamp
                then 'previous'
        end as period
    from conversations
    where (len($brands) = 0 or list_contains($brands, brand))
        and (len($channels) = 0 or list_contains($channels, channel))
),

sums as (
    select
        period,
        count(*) as conversations,
        count(*) filter (where answered) as answered_n,
        count(*) filter (where within_target) as within_target_n,
        count(*) filter (where resolved) as resolved_n,
        count(*) filter (where effortless) as effortless_n,
        sum(mood) as mood_sum,
        count(mood) as mood_n,
        count(csat) as rated_n,
        count(*) filter (where csat >= 4) as satisfied_n,
        median(first_response_s) as median_first_response_s
    from labelled
    where period is not null
    group by period
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
