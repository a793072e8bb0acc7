-- name: superfan_daily_sums
-- purpose: the superfans' daily rollup (docs/METRICS.md, "Agents and superfans"): per
--          local day, brand, entry channel and peer author, their answers and the
--          conversations they answered first, so the superfans
--          (queries/views/superfan_answers.sql) sum a few rows per peer instead of
--          scanning every conversation. Stored per month beside the daily sums
--          (dashboard/data/rollup/daily.py, rollups/superfan_daily/) and read where it
--          lies, with a `tz` column.
-- grain: local day x brand x channel x peer (every author of a peer message in the
--        day's conversations).
-- params:
--   $tz  the time zone whose calendar days the conversations are assigned to (by their
--        first inbound message), as in daily_sums
-- tables: conversations (peer_answers, first_response_peer: the facts' people rule,
--   queries/model/conversation_facts.sql)
-- columns: answers_n (the peer's messages), conversations_with_answers_n (the
--   conversations they wrote in), conversations_answered_n (those whose first response
--   is theirs: community conversations only), resolved_n (of those, resolved),
--   timed_answers_n (of those, with a known first-response time) and
--   first_response_s_values (those times, smallest first: the superfans' median stays
--   exact, and a day holds a handful per peer). A peer without a first response has 0
--   and an empty list.
-- note: plain, portable SQL: the Spark engine translates it.

with

conversations as (
    select * from conversations
),

with_day as (
    select
        timezone($tz, first_inbound_at)::date as day,
        brand,
        channel,
        peer_answers,
        first_response_peer,
        first_response_s,
        resolved
    from conversations
),

peer_rows as (
    -- one row per conversation and peer who wrote in it (an empty list gives none)
    select
        day,
        brand,
        channel,
        unnest(peer_answers) as answer
    from with_day
),

answers as (
    select
        day,
        brand,
        channel,
        answer.peer as peer,
        cast(sum(answer.messages) as bigint) as answers_n,
        cast(count(*) as bigint) as conversations_with_answers_n
    from peer_rows
    group by day, brand, channel, answer.peer
),

first_answers as (
    select
        day,
        brand,
        channel,
        first_response_peer as peer,
        cast(count(*) as bigint) as conversations_answered_n,
        cast(count(*) filter (where resolved) as bigint) as resolved_n,
        cast(count(first_response_s) as bigint) as timed_answers_n,
        -- the known times only (an unknown one sorts last and is dropped)
        list_filter(
            list(first_response_s order by first_response_s), lambda x: x is not null
        ) as first_response_s_values
    from with_day
    where first_response_peer is not null
    group by day, brand, channel, first_response_peer
)

select
    answers.day,
    answers.brand,
    answers.channel,
    answers.peer,
    answers.answers_n,
    answers.conversations_with_answers_n,
    coalesce(first_answers.conversations_answered_n, 0) as conversations_answered_n,
    coalesce(first_answers.resolved_n, 0) as resolved_n,
    coalesce(first_answers.timed_answers_n, 0) as timed_answers_n,
    coalesce(first_answers.first_response_s_values, []::double[]) as first_response_s_values
from answers
left join first_answers
    on answers.day = first_answers.day
    and answers.brand = first_answers.brand
    and answers.channel = first_answers.channel
    and answers.peer = first_answers.peer
