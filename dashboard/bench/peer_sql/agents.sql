-- Per brand and agent, from the raw log (peer_duckdb.py): the conversations the agent
-- wrote in, their index, and the median of the agent's timed first responses (the
-- conversations the agent answered first).
-- Grain: one row per brand and agent.
-- Params:
--   $files             the raw interactions' Parquet glob
--   $tz                the time zone of the local days
--   $stayed            true under the stayed_resolved rule
--   $default_target_s  the target of a channel without its own
--   $weights           the index weights (struct: mood, speed, resolution, effort,
--                      satisfaction)
--   $date_from, $date_to  the local days of the selection (inclusive)

with

conversations as (
    from peer_conversations($files, $tz, $stayed, $default_target_s, $date_from, $date_to)
),

wrote as (
    select brand, unnest(agents) as agent_id, answered, mood, within, resolved, effortless, csat
    from conversations
),

summed as (
    select brand, agent_id, peer_sums(answered, mood, within, resolved, effortless, csat) as s
    from wrote
    group by all
),

firsts as (
    select
        brand,
        first_agent as agent_id,
        median(first_outbound_s) as median_first_response_s
    from conversations
    where first_agent is not null
    group by all
)

select
    summed.brand,
    summed.agent_id,
    s.conversations,
    peer_index(s, $weights) as happiness_index,
    firsts.median_first_response_s
from summed
left join firsts using (brand, agent_id)
