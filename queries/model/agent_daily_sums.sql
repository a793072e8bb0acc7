-- name: agent_daily_sums
-- purpose: the agents' daily rollup: the additive sums of conversation_sums per local
--          day, brand, entry channel and named agent, plus the agent's first
--          responses, so the agent leaderboard (queries/views/agent_leaderboard.sql)
--          sums a few thousand rows instead of scanning the conversations. Stored
--          per month beside the daily rollup (dashboard/data/rollup/daily.py) and
--          loaded at connect as the `agent_daily_sums` table, with a `tz` column.
-- grain: local day x brand x channel x agent_id; agent_id null: every conversation of
--        the brand in which any named agent wrote, each counted once (the colleagues'
--        level of docs/METRICS.md, "Agents and superfans").
-- params:
--   $tz  the time zone whose calendar days the conversations are assigned to
-- tables: conversations (agents, first_outbound_agent, first_outbound_s: the facts'
--   people rule, queries/model/conversation_facts.sql)
-- columns: the keys, the columns of conversation_sums, first_responses_n (the agent
--   wrote the first outbound message after the first inbound one; on the null-agent
--   rows: a named agent did) and timed_first_responses_n (those with known times).

with

conversations as (
    select * from conversations
),

with_agents as (
    select
        *,
        timezone($tz, first_inbound_at)::date as day
    from conversations
    where len(agents) > 0
),

agent_rows as (
    -- one row per conversation and agent who wrote in it
    select
        *,
        unnest(agents) as agent_id
    from with_agents
),

first_responses as (
    select
        *,
        coalesce(first_outbound_agent = agent_id, false) as is_first_response
    from agent_rows
),

brand_rows as (
    select
        *,
        null::varchar as agent_id,
        first_outbound_agent is not null as is_first_response
    from with_agents
),

agent_sums as (
    select * from conversation_sums(
        first_responses, ['day', 'brand', 'channel', 'agent_id']
    )
),

brand_sums as (
    select * from conversation_sums(brand_rows, ['day', 'brand', 'channel', 'agent_id'])
),

agent_counts as (
    select
        day,
        brand,
        channel,
        agent_id,
        count(*) filter (where is_first_response)::bigint as first_responses_n,
        count(*) filter (where is_first_response and first_outbound_s is not null)::bigint
            as timed_first_responses_n
    from first_responses
    group by all
),

brand_counts as (
    select
        day,
        brand,
        channel,
        null::varchar as agent_id,
        count(*) filter (where is_first_response)::bigint as first_responses_n,
        count(*) filter (where is_first_response and first_outbound_s is not null)::bigint
            as timed_first_responses_n
    from brand_rows
    group by all
),

sums as (
    select * from agent_sums
    union all by name
    select * from brand_sums
),

counts as (
    select * from agent_counts
    union all by name
    select * from brand_counts
)

select
    sums.day,
    sums.brand,
    sums.channel,
    sums.agent_id,
    counts.first_responses_n,
    counts.timed_first_responses_n,
    sums.* exclude (day, brand, channel, agent_id)
from sums
inner join counts
    on sums.day = counts.day
    and sums.brand = counts.brand
    and sums.channel = counts.channel
    and sums.agent_id is not distinct from counts.agent_id
