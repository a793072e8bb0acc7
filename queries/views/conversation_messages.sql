-- name: conversation_messages
-- purpose: every message of one conversation in the order the metrics read them
--          (docs/METRICS.md "ordering rule"), for the private drill-down.
-- grain: one row per interaction. agent_id (the brand's staff member who wrote an
--        outbound message) is private like the rest of this drill-down.
-- params:
--   $brand            the conversation's brand
--   $conversation_id  the conversation's id (unique within its brand)
--   $tz               display time zone for created_local

with

interactions as (
    select * from interactions
)

select
    timezone($tz, created_at) as created_local,
    direction,
    channel,
    author_id,
    agent_id,
    author_followers,
    text,
    sentiment,
    csat,
    resolved,
    interaction_id
from interactions
where brand = $brand
    and conversation_id = $conversation_id
order by created_at, direction <> 'inbound', interaction_id
