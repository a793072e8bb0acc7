-- name: topic_examples
-- purpose: example customer messages that contain a term of the topics, newest first,
--          as the customer wrote them less what the topics leave out (customer_text:
--          no @mentions, links, e-mail addresses, quoted mail), for the private Topics
--          page. Never in a public output.
-- grain: one row per inbound message of the selection containing $term, at most
--        $limit rows; total_n repeats how many there are.
-- params:
--   $date_from, $date_to, $tz  local days of the conversations (as topic_terms)
--   $brand                     the brand whose messages are shown
--   $channels                  entry channels (empty = all)
--   $term                      a word or a two-word phrase of topic_terms
--   $limit                     maximum number of rows returned
-- tables: conversations (each message counts where its conversation does), interactions
-- rule: a message contains the term when its tokens (topic_tokens) hold the word, or
--   the phrase's two words side by side: the term counts' rule, since a term of the
--   topics is made only of tokens that are kept.

with

conversations as (
    select * from conversations
),

interactions as (
    select * from interactions
),

in_scope as (
    select
        brand,
        conversation_id,
        channel
    from conversations
    where in_local_days(first_inbound_at, $tz, $date_from, $date_to)
        and brand = $brand
        and is_selected(channel, $channels)
),

candidates as (
    -- a cheap test first: the message holds the term's first word somewhere
    select
        i.conversation_id,
        s.channel,
        i.created_at,
        i.sentiment,
        i.text,
        topic_tokens(i.text) as tokens
    from interactions as i
    inner join in_scope as s
        on i.brand = s.brand
        and i.conversation_id = s.conversation_id
    where i.direction = 'inbound'
        and i.text is not null
        and contains(replace(lower(i.text), '’', ''''), split_part($term, ' ', 1))
),

matching as (
    select *
    from candidates
    where list_contains(tokens, $term)
        or list_contains(
            list_transform(
                range(1, len(tokens)), lambda k: tokens[k] || ' ' || tokens[k + 1]
            ),
            $term
        )
)

select
    timezone($tz, created_at) as created_local,
    conversation_id,
    channel,
    customer_text(text) as text,
    sentiment,
    count(*) over () as total_n
from matching
order by created_at desc, conversation_id
limit $limit
