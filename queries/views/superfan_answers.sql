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
-- tables: superfan_daily_sums (queries/model/superfan_daily_sums.sql: the peers' answers
--   and first answers per local day, brand and entry channel; the median from their
--   stored first-response times, exact), daily_sums (the community conversations)
-- rules: a peer message counts as a response only on a community conversation (entry
--   channel community), so a peer answering elsewhere, or after staff already did,
--   adds to answers but not to conversations_answered.

with

superfan_daily_sums as (
    select * from superfan_daily_sums
),

daily_sums as (
    select * from daily_sums
),

peer_days as (
    select *
    from superfan_daily_sums
    where tz = $tz
        and in_days(day, $date_from, $date_to)
        and in_selection(brand, channel, $brands, $channels)
),

answers as (
    -- each peer's answers and first answers (resolved_n and timed_answers_n count
    -- among a day's first answers, so they are 0 where conversations_answered_n is),
    -- and the median of their first answers' stored times (exact: every time of the
    -- selection's days, in one list per peer)
    select
        brand,
        peer,
        sum(answers_n)::bigint as answers,
        sum(conversations_with_answers_n)::bigint as conversations_with_answers,
        coalesce(sum(conversations_answered_n), 0)::bigint as conversations_answered,
        coalesce(sum(resolved_n), 0)::bigint as resolved,
        coalesce(sum(timed_answers_n), 0)::bigint as timed_answers,
        list_median(flatten(list(first_response_s_values))) as median_first_response_s
    from peer_days
    group by brand, peer
),

community_days as (
    select *
    from daily_sums
    where tz = $tz
        and channel = 'community'
        and in_days(day, $date_from, $date_to)
        and in_selection(brand, channel, $brands, $channels)
),

community as (
    select
        brand,
        sum(conversations_n)::bigint as community_conversations,
        sum(answered_n)::bigint as community_answered
    from community_days
    group by brand
),

community_peer_answers as (
    -- Business rule: only a community conversation has a peer's first response (the
    -- facts' people rule), so the first answers on community rows are the brand's
    -- peer-answered community conversations
    select
        brand,
        sum(conversations_answered_n)::bigint as community_peer_answered
    from peer_days
    where channel = 'community'
    group by brand
)

select
    answers.brand,
    answers.peer,
    answers.answers,
    answers.conversations_with_answers,
    answers.conversations_answered,
    answers.resolved,
    answers.timed_answers,
    answers.median_first_response_s,
    answers.conversations_answered * $minutes_per_contact::double as minutes_saved,
    answers.conversations_answered * $cost_per_contact::double as cost_saved,
    coalesce(community.community_conversations, 0) as community_conversations,
    coalesce(community.community_answered, 0) as community_answered,
    coalesce(community_peer_answers.community_peer_answered, 0) as community_peer_answered
from answers
left join community
    on answers.brand = community.brand
left join community_peer_answers
    on answers.brand = community_peer_answers.brand
order by answers.brand, conversations_answered desc, answers.answers desc, answers.peer
