-- name: response_times
-- purpose: every answered conversation's first response, for medians and percentiles
--          (which sums cannot give). Loaded into memory at connect, ordered by time
--          so a date range reads few row groups.
-- grain: brand x conversation_id, answered conversations only.
-- params: none.
-- tables: conversations (the model: queries/model/conversations.sql)

with

conversations as (
    select * from conversations
)

select
    brand,
    channel,
    follower_bucket,
    first_inbound_at,
    first_response_s
from conversations
where first_response_s is not null
order by first_inbound_at
