-- name: conversations
-- purpose: one row per conversation with every per-conversation metric of
--          docs/METRICS.md (first response, answered, within target, dropped,
--          resolved, effortless, mood, csat, followers).
-- grain: brand x conversation_id; only conversations with >= 1 inbound message.
-- params: none (targets come from the channel_targets table, built from the config).
-- ordering rule: messages are ordered by created_at; at equal timestamps an
--   inbound message comes before a brand or peer message, then by interaction_id.

with

interactions as (
    select * from interactions
),

channel_targets as (
    select * from channel_targets
),

messages as (
    select
        brand,
        conversation_id,
        interaction_id,
        channel,
        direction,
        author_followers,
        created_at,
        sentiment,
        csat,
        nps,
        resolved,
        -- sort key implementing the ordering rule above
        (created_at, direction <> 'inbound', interaction_id) as message_order
    from interactions
),

inbound as (
    select
        brand,
        conversation_id,
        min(created_at) as first_inbound_at,
        -- the entry channel: channel of the first inbound message
        arg_min(channel, message_order) as channel,
        -- the first inbound message's follower count, even when null (arg_min_null:
        -- plain arg_min would skip a null and take a later message's count)
        arg_min_null(author_followers, message_order) as followers,
        count(*) as inbound_messages,
        -- mood: sentiment of the last inbound message that has one
        arg_max(sentiment, message_order) filter (where sentiment is not null) as mood
    from messages
    where direction = 'inbound'
    group by brand, conversation_id
),

first_responses as (
    -- the first brand message strictly after the first inbound message;
    -- on community channels an answer by a peer counts as a response
    select
        messages.brand,
        messages.conversation_id,
        min(messages.created_at) as first_response_at
    from messages
    inner join inbound
        on messages.brand = inbound.brand
        and messages.conversation_id = inbound.conversation_id
    where messages.created_at > inbound.first_inbound_at
        and (
            messages.direction = 'outbound'
            or (messages.direction = 'peer' and inbound.channel = 'community')
        )
    group by messages.brand, messages.conversation_id
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

data_as_of as (
    -- "has waited longer than the target" is judged at the newest timestamp in the data
    select max(created_at) as as_of from interactions
),

joined as (
    select
        inbound.brand,
        inbound.conversation_id,
        inbound.channel,
        inbound.first_inbound_at,
        inbound.followers,
        inbound.inbound_messages,
        inbound.mood,
        whole_conversation.messages,
        whole_conversation.channels_used,
        whole_conversation.last_message_at,
        whole_conversation.last_direction,
        whole_conversation.last_sentiment,
        whole_conversation.resolved_flags,
        whole_conversation.resolved_flagged,
        whole_conversation.csat,
        whole_conversation.nps,
        coalesce(channel_targets.target_s, 3600.0) as target_s,
        epoch(first_responses.first_response_at - inbound.first_inbound_at)
            as first_response_s,
        epoch(data_as_of.as_of - whole_conversation.last_message_at) as waiting_s
    from inbound
    inner join whole_conversation
        on inbound.brand = whole_conversation.brand
        and inbound.conversation_id = whole_conversation.conversation_id
    left join first_responses
        on inbound.brand = first_responses.brand
        and inbound.conversation_id = first_responses.conversation_id
    left join channel_targets
        on inbound.channel = channel_targets.channel
    cross join data_as_of
),

flagged as (
    select
        *,
        first_response_s is not null as answered,
        coalesce(first_response_s <= target_s, false) as within_target,
        -- "don't disappear after I say yes": answered, the customer spoke last,
        -- not positively, and has waited longer than the target
        (
            first_response_s is not null
            and last_direction = 'inbound'
            and coalesce(last_sentiment, 0) < 0.05
            and waiting_s > target_s
        ) as dropped
    from joined
)

select
    brand,
    conversation_id,
    channel,
    first_inbound_at,
    followers,
    case
        when followers is null then 'unknown'
        when followers < 100 then '<100'
        when followers < 1000 then '100-1k'
        when followers < 10000 then '1k-10k'
        when followers < 100000 then '10k-100k'
        else '>=100k'
    end as follower_bucket,
    inbound_messages,
    messages,
    channels_used,
    channels_used > 1 as switched_channel,
    first_response_s,
    target_s,
    answered,
    within_target,
    dropped,
    -- an explicit resolved flag anywhere in the conversation wins; otherwise the
    -- proxy "answered and not dropped"
    case when resolved_flags > 0 then resolved_flagged else answered and not dropped end
        as resolved,
    resolved_flags = 0 as resolved_is_proxy,
    inbound_messages <= 2 and channels_used = 1 as effortless,
    mood,
    csat,
    nps,
    last_message_at
from flagged
