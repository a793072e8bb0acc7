-- name: agent_leaderboard
-- purpose: the agent leaderboard (docs/METRICS.md, "Agents and superfans"): per brand
--          and named agent, the sums of the agent's conversations (every figure of
--          conversation_sums, so the index, its components and their intervals are
--          built as on every page) with the agent's first responses and their
--          median; and per brand one row with agent_id null: the same over every
--          conversation of the brand in which any named agent wrote, each counted
--          once (the colleagues' level that vs_brand is measured against).
-- grain: brand x agent_id; agent_id null: all named agents of the brand.
-- params:
--   $date_from, $date_to  first and last local day (DATE), by first inbound message
--   $tz                   the time zone that assigns days
--   $brands, $channels    the selection's lists (entry channel); an empty list keeps all
--   $weights              the index weights (a struct)
-- tables: agent_daily_sums (queries/model/agent_daily_sums.sql, with a tz column),
--   agent_response_times (queries/model/agent_response_times.sql)
-- rules: an agent's conversations are those in which they wrote at least one outbound
--   message; first_responses those in which they wrote the first outbound message
--   after the first inbound one; median_first_response_s is over those whose times
--   are known (timed_first_responses).

with

agent_daily_sums as (
    select * from agent_daily_sums
),

agent_response_times as (
    select * from agent_response_times
),

in_scope as (
    select *
    from agent_daily_sums
    where tz = $tz
        and in_days(day, $date_from, $date_to)
        and in_selection(brand, channel, $brands, $channels)
),

sums as (
    select * from summed(in_scope, ['brand', 'agent_id'])
),

scores as (
    select * from scored(sums, $weights)
),

timed as (
    select
        brand,
        agent_id,
        first_outbound_s
    from agent_response_times
    where in_local_days(first_inbound_at, $tz, $date_from, $date_to)
        and in_selection(brand, channel, $brands, $channels)
),

medians as (
    -- per agent, and per brand over every named agent's first responses
    select
        brand,
        agent_id,
        quantile_cont(first_outbound_s, 0.5) as median_first_response_s
    from timed
    group by grouping sets ((brand, agent_id), (brand))
)

select
    scores.brand,
    scores.agent_id,
    scores.conversations_n as conversations,
    scores.first_responses_n as first_responses,
    scores.timed_first_responses_n as timed_first_responses,
    medians.median_first_response_s,
    scores.* exclude (brand, agent_id)
from scores
left join medians
    on scores.brand = medians.brand
    and scores.agent_id is not distinct from medians.agent_id
order by scores.brand, scores.agent_id nulls first
