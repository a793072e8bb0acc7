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
-- tables: conversations (agents, first_outbound_agent, first_outbound_s: the facts'
--   people rule, queries/model/conversation_facts.sql)
-- rules: an agent's conversations are those in which they wrote at least one outbound
--   message; first_responses those in which they wrote the first outbound message
--   after the first inbound one; median_first_response_s is over those whose times
--   are known (timed_first_responses).

with

conversations as (
    select * from conversations
),

in_scope as (
    select *
    from conversations
    where in_local_days(first_inbound_at, $tz, $date_from, $date_to)
        and in_selection(brand, channel, $brands, $channels)
        and len(agents) > 0
),

agent_conversations as (
    -- one row per conversation and agent who wrote in it
    select
        *,
        unnest(agents) as agent_id
    from in_scope
),

agent_sums as (
    select * from conversation_sums(agent_conversations, ['brand', 'agent_id'])
),

brand_sums as (
    select
        *,
        null::varchar as agent_id
    from conversation_sums(in_scope, ['brand'])
),

first_responses as (
    select
        brand,
        first_outbound_agent as agent_id,
        count(*) as first_responses,
        count(first_outbound_s) as timed_first_responses,
        quantile_cont(first_outbound_s, 0.5) as median_first_response_s
    from in_scope
    where first_outbound_agent is not null
    group by brand, first_outbound_agent
),

brand_first_responses as (
    select
        brand,
        null::varchar as agent_id,
        count(*) as first_responses,
        count(first_outbound_s) as timed_first_responses,
        quantile_cont(first_outbound_s, 0.5) as median_first_response_s
    from in_scope
    where first_outbound_agent is not null
    group by brand
),

all_sums as (
    select * from agent_sums
    union all by name
    select * from brand_sums
),

all_first_responses as (
    select * from first_responses
    union all by name
    select * from brand_first_responses
),

scores as (
    select * from scored(all_sums, $weights)
)

select
    scores.brand,
    scores.agent_id,
    scores.conversations_n as conversations,
    coalesce(all_first_responses.first_responses, 0) as first_responses,
    coalesce(all_first_responses.timed_first_responses, 0) as timed_first_responses,
    all_first_responses.median_first_response_s,
    scores.* exclude (brand, agent_id)
from scores
left join all_first_responses
    on scores.brand = all_first_responses.brand
    and scores.agent_id is not distinct from all_first_responses.agent_id
order by scores.brand, scores.agent_id nulls first
