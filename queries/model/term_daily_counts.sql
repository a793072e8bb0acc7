-- name: term_daily_counts
-- purpose: the topics' rollup: per local day, brand and entry channel, how many of the
--          customers' messages contain each word and two-word phrase ("term"), with
--          the sum and the sum of squares of those messages' sentiment, so the topics
--          and the drivers of negative mood (queries/views/topic_terms.sql,
--          topic_drivers.sql; docs/METRICS.md, "Topics") sum a few rows per term
--          instead of tokenising a year of text per page view. Stored per month beside
--          the daily rollup (dashboard/data/rollup/daily.py, rollups/term_daily/) and
--          read on first use as the `term_daily_counts` table (sql.ensure_term_counts),
--          with a `tz` column.
-- grain: local day x brand x channel x term; term null: every inbound message with text
--        of the day, brand and channel (the totals the drivers compare with).
-- params:
--   $tz  the time zone whose calendar days the conversations are assigned to
-- tables: conversations (the day and entry channel of each message's conversation: a
--   message counts where its conversation does, as in every other figure),
--   interactions (the inbound messages' text and sentiment).
-- rules: a message's terms are its tokens (macros topic_text, topic_tokens of
--   queries/_macros.sql) that are at least 2 characters long, not a stop word
--   (topic_stop_words: dashboard/data/stopwords.txt), not a word of the brand's own
--   name (topic_brand_words) and not id-like (topic_id_like), and every two adjacent
--   such tokens (a phrase never spans punctuation or a removed token).
--   A message counts a term once however often it holds it. Nothing is pruned here:
--   the reading side suppresses terms under [topics] min_count (pruning before
--   summing days would change the sums).
-- columns: day, brand, channel, term, messages_n (messages containing the term),
--   sentiment_n (those with a sentiment), sentiment_sum, sentiment_sq_sum. The sums are
--   taken in DECIMAL (10 decimals: sentiments carry 4) so that they do not depend on
--   the order rows arrive in: the same data gives byte-identical files.

with

conversations as (
    select
        brand,
        conversation_id,
        channel,
        first_inbound_at
    from conversations
),

interactions as (
    select * from interactions
),

stop_words as (
    select word from topic_stop_words()
),

brand_words as (
    select
        brand,
        unnest(topic_brand_words(brand)) as word
    from (select distinct brand from conversations)
),

messages as (
    -- the customers' messages of these conversations (none is older than its
    -- conversation's first inbound message: the lower bound skips older raw files)
    select
        c.brand,
        c.channel,
        timezone($tz, c.first_inbound_at)::date as day,
        i.interaction_id,
        i.sentiment,
        i.text
    from interactions as i
    inner join conversations as c
        on display_brand(i.brand) = c.brand
        and i.conversation_id = c.conversation_id
    where i.direction = 'inbound'
        and i.text is not null
        and trim(i.text) <> ''
        and i.created_at >= (select min(first_inbound_at) from conversations)
),

tokens as (
    select
        interaction_id,
        brand,
        unnest(tokens) as token,
        generate_subscripts(tokens, 1) as position
    from (select interaction_id, brand, topic_tokens(text) as tokens from messages)
),

marked as (
    select
        t.interaction_id,
        t.position,
        t.token,
        -- '|' (punctuation) is shorter than 2 characters: never kept
        length(t.token) >= 2
            and not topic_id_like(t.token)
            and s.word is null
            and b.word is null as kept
    from tokens as t
    left join stop_words as s
        on t.token = s.word
    left join brand_words as b
        on t.brand = b.brand
        -- the brand's name with a possessive 's is the brand's name too ("acme's")
        and (case when ends_with(t.token, '''s') then t.token[:-3] else t.token end) = b.word
),

unigrams as (
    select interaction_id, token as term
    from marked
    where kept
),

bigrams as (
    select
        a.interaction_id,
        a.token || ' ' || b.token as term
    from marked as a
    inner join marked as b
        on a.interaction_id = b.interaction_id
        and b.position = a.position + 1
    where a.kept and b.kept
),

message_terms as (
    select distinct interaction_id, term
    from (
        select * from unigrams
        union all
        select * from bigrams
    )
),

term_sums as (
    select
        m.day,
        m.brand,
        m.channel,
        t.term,
        count(*)::bigint as messages_n,
        count(m.sentiment)::bigint as sentiment_n,
        sum(m.sentiment::decimal(18, 10))::double as sentiment_sum,
        sum((m.sentiment * m.sentiment)::decimal(18, 10))::double as sentiment_sq_sum
    from message_terms as t
    inner join messages as m
        on t.interaction_id = m.interaction_id
    group by all
),

totals as (
    select
        day,
        brand,
        channel,
        null::varchar as term,
        count(*)::bigint as messages_n,
        count(sentiment)::bigint as sentiment_n,
        sum(sentiment::decimal(18, 10))::double as sentiment_sum,
        sum((sentiment * sentiment)::decimal(18, 10))::double as sentiment_sq_sum
    from messages
    group by all
)

select * from term_sums
union all by name
select * from totals
