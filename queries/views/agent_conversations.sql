-- name: agent_conversations
-- purpose: the conversations behind one agent's row of the leaderboard, newest first,
--          with their per-conversation metrics; private mode only (ids, no text).
-- grain: brand x conversation_id, at most $limit rows; total_n repeats the full count.
-- params:
--   $date_from, $date_to, $tz, $brands, $channels  as in agent_leaderboard
--   $brand, $agent_id     the agent (agents are per brand)
--   $limit                maximum number of rows returned
-- tables: conversations

with

conversations as (
    select * from conversations
),

in_scope as (
    -- exactly the rules of agent_leaderboard, so the list adds up to the row's n
    select *
    from conversations
    where in_local_days(first_inbound_at, $tz, $date_from, $date_to)
        and in_selection(brand, channel, $brands, $channels)
        and brand = $brand
        and list_contains(agents, $agent_id)
),

counted as (
    select
        *,
        count(*) over () as total_n
    from in_scope
)

select
    brand,
    conversation_id,
    channel,
    timezone($tz, first_inbound_at) as first_inbound_local,
    coalesce(first_outbound_agent = $agent_id, false) as first_response_by_agent,
    first_outbound_s,
    array_to_string(agents, ', ') as agents,
    answered,
    within_target,
    resolved,
    effortless,
    mood_sentiment,
    csat,
    inbound_messages,
    messages,
    total_n
from counted
order by first_inbound_at desc, conversation_id
limit $limit
