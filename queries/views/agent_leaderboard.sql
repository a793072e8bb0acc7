-- name: agent_leaderboard
-- purpose: the agent leaderboard (docs/METRICS.md, "Agents and superfans"): per brand
--          and named agent, the sums of the agent's conversations (every figure of
--          conversation_sums, so the index, its components and their intervals are
--          built as on every page) with the agent's first responses (their median:
--          agent_response_order_statistics); and per brand one row with agent_id null: the same over every
--          conversation of the brand in which any named agent wrote, each counted
--          once (the colleagues' level that vs_brand is measured against).
-- grain: brand x agent_id; agent_id null: all named agents of the brand.
-- params:
--   $date_from, $date_to  first and last local day (DATE), by first inbound message
--   $tz                   the time zone that assigns days
--   $brands, $channels    the selection's lists (entry channel); an empty list keeps all
--   $weights              the index weights (a struct)
-- tables: agent_daily_sums (queries/model/agent_daily_sums.sql, with a tz column)
-- rules: an agent's conversations are those in which they wrote at least one outbound
--   message; first_responses those in which they wrote the first outbound message
--   after the first inbound one; timed_first_responses those whose times are known.

with

agent_daily_sums as (
    select * from agent_daily_sums
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
)

select
    scores.brand,
    scores.agent_id,
    scores.conversations_n as conversations,
    scores.first_responses_n as first_responses,
    scores.timed_first_responses_n as timed_first_responses,
    scores.* exclude (brand, agent_id)
from scores
order by scores.brand, scores.agent_id nulls first
