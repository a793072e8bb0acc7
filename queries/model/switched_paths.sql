-- name: switched_paths
-- purpose: the few conversations that switched channel, with the path of channels they
--          took, for the channel-journey views. Loaded into memory at connect.
-- grain: brand x conversation_id, conversations with more than one channel only.
-- params: none.
-- tables: conversations (the model: queries/model/conversations.sql)

with

conversations as (
    select * from conversations
)

select
    brand,
    channel,
    first_inbound_at,
    channel_path
from conversations
where switched_channel
order by first_inbound_at
