-- name: topic_terms
-- purpose: the terms (words and two-word phrases) that stand out for a selection of
--          brands against the other brands, in the same channels and days: the
--          log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi and
--          Quinn 2008; docs/METRICS.md, "Topics"), with each term's count and the mean
--          sentiment of the selection's messages that contain it. Private: topics never
--          appear in a public output.
-- grain: one row per group x term with count >= $min_count; group = the brand itself
--        when $per_brand (each brand against every other one), else '' for the
--        filters' brands taken together. No rows when there is no other brand's text
--        in the channels and days (nothing to stand out against).
-- params:
--   $date_from, $date_to, $tz  local days of the conversations (as in every view)
--   $brands, $channels         the selection (empty = all); other brands are the rest
--   $per_brand                 true: every brand (of $brands, all when empty) on its own
--   $prior_size                alpha_0 of the prior ([topics] prior_size); null: the
--                              corpus's size, so alpha_w is the term's corpus count
--   $min_count                 terms in fewer of the group's messages are suppressed
-- tables: term_daily_counts (queries/model/term_daily_counts.sql)
-- columns: grp, term, count (y_i: the group's messages containing the term),
--   others_count (y_j), group_terms_n (n_i), others_terms_n (n_j), prior (alpha_w),
--   log_odds (delta), score (z = delta / sqrt(variance)), mood (mean sentiment of the
--   group's messages containing it, -1..1; null when none has one), mood_n (those
--   messages with a sentiment), messages (the group's messages with text).

with

term_daily_counts as (
    select * from term_daily_counts
),

in_scope as (
    select *
    from term_daily_counts
    where tz = $tz
        and in_days(day, $date_from, $date_to)
        and is_selected(channel, $channels)
),

grouped as (
    -- the group a row's brand belongs to; null: one of the other brands
    select
        *,
        case
            when $per_brand and is_selected(brand, $brands) then brand
            when not $per_brand and len($brands) > 0 and list_contains($brands, brand) then ''
        end as grp
    from in_scope
),

corpus as (
    -- every brand of the channels and days: the prior and the "others" are built on it
    select
        term,
        sum(messages_n)::bigint as all_count
    from in_scope
    where term is not null
    group by term
),

corpus_size as (
    select
        sum(all_count)::bigint as all_terms_n,
        coalesce($prior_size::double, sum(all_count)::double) as prior_size
    from corpus
),

group_terms as (
    select
        grp,
        term,
        sum(messages_n)::bigint as count,
        sum(sentiment_n)::bigint as mood_n,
        sum(sentiment_sum)::double as mood_sum
    from grouped
    where grp is not null and term is not null
    group by grp, term
),

group_sizes as (
    select
        grp,
        sum(messages_n) filter (where term is not null)::bigint as group_terms_n,
        sum(messages_n) filter (where term is null)::bigint as messages
    from grouped
    where grp is not null
    group by grp
),

compared as (
    select
        g.grp,
        g.term,
        g.count,
        c.all_count - g.count as others_count,
        s.group_terms_n,
        z.all_terms_n - s.group_terms_n as others_terms_n,
        -- alpha_w: the prior's pseudo-count, alpha_0 x the term's share of the corpus
        z.prior_size * c.all_count / z.all_terms_n as prior,
        z.prior_size,
        g.mood_n,
        case when g.mood_n > 0 then g.mood_sum / g.mood_n end as mood,
        s.messages
    from group_terms as g
    inner join corpus as c
        on g.term = c.term
    inner join group_sizes as s
        on g.grp = s.grp
    cross join corpus_size as z
),

scored_terms as (
    select
        *,
        ln((count + prior) / (group_terms_n + prior_size - count - prior))
        - ln((others_count + prior) / (others_terms_n + prior_size - others_count - prior))
            as log_odds,
        1.0 / (count + prior) + 1.0 / (others_count + prior) as variance
    from compared
    where others_terms_n > 0
        and count >= $min_count
)

select
    grp,
    term,
    count,
    others_count,
    group_terms_n,
    others_terms_n,
    prior,
    log_odds,
    log_odds / sqrt(variance) as score,
    mood,
    mood_n,
    messages
from scored_terms
order by grp, score desc, term
