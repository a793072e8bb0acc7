-- name: conversation_facts
-- purpose: the conversation rollup (dashboard/data/rollup/facts.py): one row per conversation
--          with the inputs of every per-conversation metric that depend on the
--          conversation's own messages only (no config, no data as-of time), plus
--          its channel path. queries/model/conversations.sql turns these rows
--          into the `conversations` table with the current targets and as-of time.
-- grain: brand x conversation_id; only conversations with >= 1 inbound message.
-- params: none.
-- ordering rule: messages are ordered by created_at; at equal timestamps an inbound
--   message comes before a brand or peer message, then by interaction_id.
--   channel_path lists the channels in order of first appearance joined by ' -> '.
-- time rule: a message whose time_known is false (the source gives its day or its
--   place in the conversation, not its time; docs/DATA.md) never starts or ends a
--   measured duration: first_response_s is null when the first inbound message or the
--   first response has no known time, while `responded` still says a response exists.
-- reopening rule: an explicitly resolved conversation is `reopened` when the first
--   customer message after its last resolved = true message is not positive
--   (sentiment < 0.05 or none); queries/model/conversations.sql applies the config's
--   resolution rule to it.
-- people rule (docs/METRICS.md, "Agents and superfans"): `agents` lists (sorted) every
--   named agent (agent_id) who wrote an outbound message in the conversation, [] when
--   none did; `first_outbound_agent` is the agent of the first outbound message after
--   the first inbound one (null when unsigned or none) and `first_outbound_s` its delay
--   (the time rule above applies); `first_response_peer` is the author of the first
--   response when that response is a peer's (community conversations only: elsewhere
--   a peer message is no response); `peer_answers` lists each peer author of the
--   conversation with their number of peer messages, on any channel.
-- macros: follower_bucket (generated from dashboard/core/vocabulary.py, see
--   queries/_macros.sql): the follower bucket of the first inbound message's count.

with

interactions as (
    -- only the columns the rules read: this import is read by every step below, and
    -- the message text (the widest column) is not one of them
    select
        brand,
        conversation_id,
        interaction_id,
        channel,
        direction,
        author_id,
        agent_id,
        author_followers,
        created_at,
        sentiment,
        csat,
        nps,
        resolved,
        time_known
    from interactions
),

messages as (
    select
        brand,
        conversation_id,
        interaction_id,
        channel,
        direction,
        author_id,
        agent_id,
        author_followers,
        created_at,
        sentiment,
        csat,
        nps,
        resolved,
        coalesce(time_known, true) as time_known,
        -- the message's place in its conversation by the ordering rule above (1 =
        -- first): one number, so every first/last message below is an integer
        -- comparison rather than a comparison of (time, direction, id) rows
        row_number() over (
            partition by brand, conversation_id
            order by created_at, direction <> 'inbound', interaction_id
        ) as message_order
    from interactions
),

inbound as (
    select
        brand,
        conversation_id,
        min(created_at) as first_inbound_at,
        arg_min(time_known, message_order) as first_inbound_time_known,
        -- the entry channel: channel of the first inbound message
        arg_min(channel, message_order) as channel,
        -- the first inbound message's follower count, even when null (arg_min_null:
        -- plain arg_min would skip a null and take a later message's count)
        arg_min_null(author_followers, message_order) as followers,
        count(*) as inbound_messages,
        -- mood sentiment (-1..1): sentiment of the last inbound message that has one
        arg_max(sentiment, message_order) filter (where sentiment is not null)
            as mood_sentiment,
        -- the first inbound message that has a sentiment, and how many have one (the
        -- sentiment lift compares the first with the last)
        arg_min(sentiment, message_order) filter (where sentiment is not null)
            as first_sentiment,
        count(sentiment) as sentiment_messages
    from messages
    where direction = 'inbound'
    group by brand, conversation_id
),

after_opening as (
    -- the brand and peer messages after the first inbound message
    select
        messages.*,
        inbound.channel as entry_channel
    from messages
    inner join inbound
        on messages.brand = inbound.brand
        and messages.conversation_id = inbound.conversation_id
    where (
            messages.created_at > inbound.first_inbound_at
            -- an opening of unknown time is placed at the first known time after it
            or (not inbound.first_inbound_time_known
                and messages.created_at >= inbound.first_inbound_at)
        )
        and messages.direction <> 'inbound'
),

first_responses as (
    -- the first brand message strictly after the first inbound message;
    -- on community channels an answer by a peer counts as a response
    select
        brand,
        conversation_id,
        min(created_at) as first_response_at,
        arg_min(time_known, message_order) as first_response_time_known,
        arg_min_null(case when direction = 'peer' then author_id end, message_order)
            as first_response_peer
    from after_opening
    where direction = 'outbound' or (direction = 'peer' and entry_channel = 'community')
    group by brand, conversation_id
),

first_outbound as (
    -- the first brand message after the first inbound one, and who signed it
    select
        brand,
        conversation_id,
        min(created_at) as first_outbound_at,
        arg_min(time_known, message_order) as first_outbound_time_known,
        arg_min_null(agent_id, message_order) as first_outbound_agent
    from after_opening
    where direction = 'outbound'
    group by brand, conversation_id
),

agents as (
    select
        brand,
        conversation_id,
        list_sort(list_distinct(list(agent_id))) as agents
    from messages
    where direction = 'outbound' and agent_id is not null
    group by brand, conversation_id
),

peer_messages as (
    select
        brand,
        conversation_id,
        author_id as peer,
        count(*) as messages
    from messages
    where direction = 'peer'
    group by brand, conversation_id, author_id
),

peers as (
    select
        brand,
        conversation_id,
        list({'peer': peer, 'messages': messages} order by peer) as peer_answers
    from peer_messages
    group by brand, conversation_id
),

whole_conversation as (
    select
        brand,
        conversation_id,
        count(*) as messages,
        count(distinct channel) as channels_used,
        max(created_at) as last_message_at,
        arg_max(direction, message_order) as last_direction,
        -- the last message's own sentiment, even when null (plain arg_max would skip
        -- nulls and return an earlier message's sentiment)
        arg_max_null(sentiment, message_order) as last_sentiment,
        count(resolved) as resolved_flags,
        coalesce(bool_or(resolved), false) as resolved_flagged,
        arg_max(csat, message_order) filter (where csat is not null) as csat,
        arg_max(nps, message_order) filter (where nps is not null) as nps
    from messages
    group by brand, conversation_id
),

first_seen as (
    -- when each channel of a multi-channel conversation first appears
    select
        brand,
        conversation_id,
        channel,
        min(message_order) as first_order
    from messages
    group by brand, conversation_id, channel
),

resolutions as (
    -- the last message that marks the conversation resolved
    select
        brand,
        conversation_id,
        max(message_order) as resolved_order
    from messages
    where resolved
    group by brand, conversation_id
),

reopenings as (
    -- the first customer message after the last resolving message, if any
    select
        messages.brand,
        messages.conversation_id,
        arg_min_null(messages.sentiment, messages.message_order) as next_sentiment
    from messages
    inner join resolutions
        on messages.brand = resolutions.brand
        and messages.conversation_id = resolutions.conversation_id
    where messages.direction = 'inbound'
        and messages.message_order > resolutions.resolved_order
    group by messages.brand, messages.conversation_id
),

multi_channel as (
    -- only conversations that used more than one channel have a path to join (most
    -- have one channel: their path is the entry channel, in the final select)
    select
        brand,
        conversation_id
    from whole_conversation
    where channels_used > 1
),

paths as (
    select
        first_seen.brand,
        first_seen.conversation_id,
        string_agg(first_seen.channel, ' -> ' order by first_seen.first_order) as channel_path
    from first_seen
    inner join multi_channel
        on first_seen.brand = multi_channel.brand
        and first_seen.conversation_id = multi_channel.conversation_id
    group by first_seen.brand, first_seen.conversation_id
)

select
    inbound.brand,
    inbound.conversation_id,
    inbound.channel,
    inbound.first_inbound_at,
    inbound.followers,
    follower_bucket(inbound.followers) as follower_bucket,
    inbound.inbound_messages,
    whole_conversation.messages,
    whole_conversation.channels_used,
    first_responses.first_response_at is not null as responded,
    case
        when inbound.first_inbound_time_known and first_responses.first_response_time_known
            then epoch(first_responses.first_response_at - inbound.first_inbound_at)
    end as first_response_s,
    first_responses.first_response_peer,
    first_outbound.first_outbound_agent,
    case
        when inbound.first_inbound_time_known and first_outbound.first_outbound_time_known
            then epoch(first_outbound.first_outbound_at - inbound.first_inbound_at)
    end as first_outbound_s,
    coalesce(agents.agents, []::varchar[]) as agents,
    coalesce(peers.peer_answers, []::struct(peer varchar, messages bigint)[]) as peer_answers,
    inbound.mood_sentiment,
    inbound.first_sentiment,
    inbound.sentiment_messages,
    whole_conversation.csat,
    whole_conversation.nps,
    whole_conversation.last_message_at,
    whole_conversation.last_direction,
    whole_conversation.last_sentiment,
    whole_conversation.resolved_flags,
    whole_conversation.resolved_flagged,
    coalesce(reopenings.next_sentiment, 0) < 0.05 and reopenings.brand is not null as reopened,
    coalesce(paths.channel_path, inbound.channel) as channel_path
from inbound
inner join whole_conversation
    on inbound.brand = whole_conversation.brand
    and inbound.conversation_id = whole_conversation.conversation_id
left join first_responses
    on inbound.brand = first_responses.brand
    and inbound.conversation_id = first_responses.conversation_id
left join first_outbound
    on inbound.brand = first_outbound.brand
    and inbound.conversation_id = first_outbound.conversation_id
left join agents
    on inbound.brand = agents.brand
    and inbound.conversation_id = agents.conversation_id
left join peers
    on inbound.brand = peers.brand
    and inbound.conversation_id = peers.conversation_id
left join reopenings
    on inbound.brand = reopenings.brand
    and inbound.conversation_id = reopenings.conversation_id
left join paths
    on inbound.brand = paths.brand
    and inbound.conversation_id = paths.conversation_id
