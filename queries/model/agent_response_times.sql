-- name: agent_response_times
-- purpose: every first outbound message signed by a named agent, with its delay: the
--          agents' medians and their intervals (which sums cannot give). Loaded into
--          memory at connect, ordered by time so a date range reads few row groups.
-- grain: brand x conversation_id, conversations whose first outbound message after the
--        first inbound one is signed and timed.
-- params: none.
-- tables: conversations (first_outbound_agent, first_outbound_s)

with

conversations as (
    select * from conversations
)

select
    brand,
    channel,
    first_outbound_agent as agent_id,
    first_inbound_at,
    first_outbound_s
from conversations
where first_outbound_agent is not null
    and first_outbound_s is not null
order by first_inbound_at
