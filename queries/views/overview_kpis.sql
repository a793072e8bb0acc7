-- name: overview_kpis
-- purpose: the executive KPI tiles for a period and the previous period of
--          equal length: conversations, response rate, median, mean and 90th
--          percentile first response, share answered within target, the happiness
--          index, drop rate, reopen rate, NPS and sentiment lift; each with the n it
--          is computed over and its 95 % interval (docs/METRICS.md, "Intervals").
--          A percentile's interval is distribution-free: the order statistics at
--          ranks n p -+ 1.96 sqrt(n p (1 - p)), rounded outwards.
-- grain: one row per period ('current', 'previous').
-- params:
--   $date_from, $date_to, $prev_from, $prev_to  local days (DATE), inclusive
--   $tz, $brands, $channels                     as in happiness_by_period
--   $weights                                    the index weights (a struct)

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

labelled_responses as (
    -- the median needs the conversations: the same local days as instant ranges
    select
        first_response_s,
        case
            when in_local_days(first_inbound_at, $tz, $date_from, $date_to) then 'current'
            when in_local_days(first_inbound_at, $tz, $prev_from, $prev_to) then 'previous'
        end as period
    from response_times
    where in_local_days(
            first_inbound_at,
            $tz,
            least($date_from::date, $prev_from::date),
            greatest($date_to::date, $prev_to::date)
        )
        and in_selection(brand, channel, $brands, $channels)
),

ranked_responses as (
    select
        period,
        first_response_s,
        row_number() over (partition by period order by first_response_s) as response_rank,
        count(*) over (partition by period) as responses_n
    from labelled_responses
    where period is not null
),

answered_times as (
    select
        period,
        median(first_response_s) as median_first_response_s,
        max(first_response_s) filter (
            where response_rank <= greatest(1, floor(order_rank_offset(responses_n, 0.5, -1)))
        ) as median_first_response_s_ci_low,
        min(first_response_s) filter (
            where response_rank >= least(responses_n, ceil(order_rank_offset(responses_n, 0.5, 1)))
        ) as median_first_response_s_ci_high,
        quantile_cont(first_response_s, 0.9) as p90_first_response_s,
        max(first_response_s) filter (
            where response_rank <= greatest(1, floor(order_rank_offset(responses_n, 0.9, -1)))
        ) as p90_first_response_s_ci_low,
        min(first_response_s) filter (
            where response_rank >= least(responses_n, ceil(order_rank_offset(responses_n, 0.9, 1)))
        ) as p90_first_response_s_ci_high
    from ranked_responses
    group by period
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
    scores.response_rate,
    scores.response_rate_ci_low,
    scores.response_rate_ci_high,
    answered_times.median_first_response_s,
    answered_times.median_first_response_s_ci_low,
    answered_times.median_first_response_s_ci_high,
    scores.mean_first_response_s,
    scores.mean_first_response_s_ci_low,
    scores.mean_first_response_s_ci_high,
    answered_times.p90_first_response_s,
    answered_times.p90_first_response_s_ci_low,
    answered_times.p90_first_response_s_ci_high,
    scores.speed as within_target_share,
    scores.speed_ci_low as within_target_share_ci_low,
    scores.speed_ci_high as within_target_share_ci_high,
    scores.happiness_index,
    scores.happiness_index_ci_low,
    scores.happiness_index_ci_high,
    scores.drop_rate,
    scores.drop_rate_ci_low,
    scores.drop_rate_ci_high,
    scores.reopen_rate,
    scores.reopen_rate_ci_low,
    scores.reopen_rate_ci_high,
    scores.nps,
    scores.nps_ci_low,
    scores.nps_ci_high,
    scores.sentiment_lift,
    scores.sentiment_lift_ci_low,
    scores.sentiment_lift_ci_high
from periods
left join scores on periods.period = scores.period
left join answered_times on scores.period = answered_times.period
order by periods.period
