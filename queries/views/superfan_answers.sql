-- name: superfan_answers
-- purpose: the community superfans (docs/METRICS.md, "Agents and superfans"): per brand
--          and peer author (their pseudonym), their answers (peer messages, on any
--          channel), the community conversations whose first response is theirs
--          (conversations_answered), how many of those were resolved, the median of
--          those first responses, and the staff time and money those answers saved
--          at the config's [costs]; with the brand's community conversations, how
--          many a peer answered first, how many were answered at all, and what all
--          the peers' first answers saved (community_minutes_saved, _cost_saved).
-- grain: brand x peer: every author of a peer message in the selection, or with
--        $listed each brand's $listed who answered first most often (then by
--        answers, then pseudonym): the global top n is among them, and every brand
--        with a peer keeps its row (a selection at 100M has about a million peers).
-- params:
--   $date_from, $date_to, $tz, $brands, $channels  as in agent_leaderboard
--   $minutes_per_contact, $cost_per_contact       [costs]: one staff-handled contact
--   $listed                                       peers per brand (BIGINT), null: all
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
    -- among a day's first answers, so they are 0 where conversations_answered_n is)
    select
        brand,
        peer,
        sum(answers_n)::bigint as answers,
        sum(conversations_with_answers_n)::bigint as conversations_with_answers,
        coalesce(sum(conversations_answered_n), 0)::bigint as conversations_answered,
        coalesce(sum(resolved_n), 0)::bigint as resolved,
        coalesce(sum(timed_answers_n), 0)::bigint as timed_answers
    from peer_days
    group by brand, peer
),

listed as (
    -- the listing order, within a brand; dashboard/views/people.py top_superfans takes
    -- the top over every brand from these rows in the same order (a rank over every
    -- brand here was measured 130 ms slower at 100M)
    select *
    from answers
    qualify $listed is null
        or row_number() over (
            partition by brand order by conversations_answered desc, answers desc, peer
        ) <= $listed
),

first_medians as (
    -- the median of a listed peer's first answers' stored times (exact: every time of
    -- the selection's days, in one list per peer)
    select
        peer_days.brand,
        peer_days.peer,
        list_median(flatten(list(peer_days.first_response_s_values)))
            as median_first_response_s
    from peer_days
    semi join listed
        on peer_days.brand = listed.brand
        and peer_days.peer = listed.peer
    where peer_days.timed_answers_n > 0
    group by peer_days.brand, peer_days.peer
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
    listed.brand,
    listed.peer,
    listed.answers,
    listed.conversations_with_answers,
    listed.conversations_answered,
    listed.resolved,
    listed.timed_answers,
    first_medians.median_first_response_s,
    listed.conversations_answered * $minutes_per_contact::double as minutes_saved,
    listed.conversations_answered * $cost_per_contact::double as cost_saved,
    coalesce(community.community_conversations, 0) as community_conversations,
    coalesce(community.community_answered, 0) as community_answered,
    coalesce(community_peer_answers.community_peer_answered, 0) as community_peer_answered,
    -- Business rule (the facts' people rule): only a community conversation has a
    -- peer's first response, so the brand's peer-answered community conversations are
    -- all its peers' first answers, listed or not
    coalesce(community_peer_answers.community_peer_answered, 0) * $minutes_per_contact::double
        as community_minutes_saved,
    coalesce(community_peer_answers.community_peer_answered, 0) * $cost_per_contact::double
        as community_cost_saved
from listed
left join first_medians
    on listed.brand = first_medians.brand
    and listed.peer = first_medians.peer
left join community
    on listed.brand = community.brand
left join community_peer_answers
    on listed.brand = community_peer_answers.brand
order by listed.brand, listed.conversations_answered desc, listed.answers desc, listed.peer
