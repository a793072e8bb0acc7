-- name: conversations
-- purpose: the model's `conversations`: one row per conversation with every
--          per-conversation metric of docs/METRICS.md, from the conversation facts
--          (queries/model/conversation_facts.sql): adds what depends on the config
--          (first-response target per entry channel) or on the newest timestamp in
--          the data (dropped, hence the resolved proxy).
-- grain: brand x conversation_id.
-- params: none.
-- tables: conversation_facts (the rollup rows), channel_targets (from the config),
--         resolution_rule (one row: rule, from the config's [resolution] rule:
--         'stayed_resolved' (default) or 'ever_resolved'),
--         data_as_of (one row: as_of, the newest created_at in the whole interaction
--         log; a conversation "has waited longer than the target" judged at this time).
-- columns: mood_sentiment is the -1..1 sentiment of the last inbound message that has
--   one (the 0-100 Mood component is computed from its sums by mood_score).
--   within_target is null when the speed cannot be measured (answered, but a time is
--   unknown: conversation_facts' time rule), so the Speed component leaves it out.
--   sentiment_lift (-2..2) is the last minus the first customer sentiment, for
--   conversations with at least two customer messages that have one.
--   agents, first_outbound_agent, first_outbound_s, first_response_peer and
--   peer_answers are the facts' people columns, as they are.
-- macros: default_target_s() (generated from dashboard/core/vocabulary.py): the target
--   of an entry channel the config sets none for.

with

conversation_facts as (
    select * from conversation_facts
),

channel_targets as (
    select * from channel_targets
),

data_as_of as (
    select * from data_as_of
),

resolution_rule as (
    select * from resolution_rule
),

joined as (
    select
        conversation_facts.*,
        coalesce(channel_targets.target_s, default_target_s()) as target_s,
        epoch(data_as_of.as_of - conversation_facts.last_message_at) as waiting_s,
        resolution_rule.rule as resolution_rule
    from conversation_facts
    cross join data_as_of
    cross join resolution_rule
    left join channel_targets
        on conversation_facts.channel = channel_targets.channel
),

flagged as (
    select
        *,
        responded as answered,
        case
            when not responded then false
            when first_response_s is not null then first_response_s <= target_s
        end as within_target,
        -- "don't disappear after I say yes": answered, the customer spoke last,
        -- not positively, and has waited longer than the target
        (
            responded
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
    follower_bucket,
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
    -- proxy "answered and not dropped". Under the 'stayed_resolved' rule a reopened
    -- conversation (the customer wrote again, not positively) is not resolved.
    case
        when resolved_flags > 0
            then resolved_flagged and not (resolution_rule = 'stayed_resolved' and reopened)
        else answered and not dropped
    end as resolved,
    resolved_flags = 0 as resolved_is_proxy,
    resolved_flags > 0 and resolved_flagged as marked_resolved,
    resolved_flags > 0 and resolved_flagged and reopened as reopened,
    inbound_messages <= 2 and channels_used = 1 as effortless,
    mood_sentiment,
    case when sentiment_messages >= 2 then mood_sentiment - first_sentiment end
        as sentiment_lift,
    csat,
    nps,
    last_message_at,
    channel_path,
    agents,
    first_outbound_agent,
    first_outbound_s,
    first_response_peer,
    peer_answers
from flagged
