-- name: superfan_answers
-- purpose: the community superfans (docs/METRICS.md, "Agents and superfans"): per brand
--          and peer author (their pseudonym), their answers (peer messages, on any
--          channel), the community conversations whose first response is theirs
--          (conversations_answered), how many of those were resolved, the median of
--          those first responses, and the staff time and money those answers saved
--          at the config's [costs]; with the brand's community conversations, how
--          many a peer answered first, and how many were answered at all.
-- grain: brand x peer (every author of a peer message in the selection).
-- params:
--   $date_from, $date_to, $tz, $brands, $channels  as in agent_leaderboard
--   $minutes_per_contact, $cost_per_contact       [costs]: one staff-handled contact
-- tables: conversations (peer_answers, first_response_peer: the facts' people rule,
--   queries/model/conversation_facts.sql)
-- rules: a peer message counts as a response only on a community conversation (entry
--   channel community), so a peer answering elsewhere, or after staff already did,
--   adds to answers but not to conversations_answered.

with

conversations as (
    select * from conversations
),

in_scope as (
    select *
    from conversations
    where in_local_days(first_inbound_at, $tz, $date_from, $date_to)
        and in_selection(brand, channel, $brands, $channels)
),

peer_rows as (
    select
        brand,
        unnest(peer_answers, recursive := true)
    from in_scope
    where len(peer_answers) > 0
),

answers as (
    select
        brand,
        peer,
        sum(messages)::bigint as answers,
        count(*) as conversations_with_answers
    from peer_rows
    group by brand, peer
),

first_answers as (
    select
        brand,
        first_response_peer as peer,
        count(*) as conversations_answered,
        count(*) filter (where resolved) as resolved,
        count(first_response_s) as timed_answers,
        quantile_cont(first_response_s, 0.5) as median_first_response_s
    from in_scope
    where first_response_peer is not null
    group by brand, first_response_peer
),

community as (
    select
        brand,
        count(*) as community_conversations,
        count(*) filter (where answered) as community_answered,
        count(*) filter (where first_response_peer is not null) as community_peer_answered
    from in_scope
    where channel = 'community'
    group by brand
)

select
    answers.brand,
    answers.peer,
    answers.answers,
    answers.conversations_with_answers,
    coalesce(first_answers.conversations_answered, 0) as conversations_answered,
    coalesce(first_answers.resolved, 0) as resolved,
    coalesce(first_answers.timed_answers, 0) as timed_answers,
    first_answers.median_first_response_s,
    coalesce(first_answers.conversations_answered, 0) * $minutes_per_contact::double
        as minutes_saved,
    coalesce(first_answers.conversations_answered, 0) * $cost_per_contact::double
        as cost_saved,
    coalesce(community.community_conversations, 0) as community_conversations,
    coalesce(community.community_answered, 0) as community_answered,
    coalesce(community.community_peer_answered, 0) as community_peer_answered
from answers
left join first_answers
    on answers.brand = first_answers.brand
    and answers.peer = first_answers.peer
left join community
    on answers.brand = community.brand
order by answers.brand, conversations_answered desc, answers.answers desc, answers.peer
