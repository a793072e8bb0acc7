-- name: topic_drivers
-- purpose: the drivers of mood within a selection: for each term, the mean sentiment of
--          the selection's messages that contain it against those that do not, with the
--          sums the interval needs (dashboard/views/topics.py: Welch's interval;
--          docs/METRICS.md, "Topics"). Private: topics never appear in a public output.
-- grain: one row per group x term with count >= $min_count and at least two messages
--        with a sentiment on each side; group = the brand when $per_brand, else '' for
--        the whole selection (every brand when $brands is empty).
-- params:
--   $date_from, $date_to, $tz  local days of the conversations (as in every view)
--   $brands, $channels         the selection (empty = all)
--   $per_brand                 true: every brand of the selection on its own
--   $min_count                 terms in fewer of the group's messages are suppressed
-- tables: term_daily_counts (queries/model/term_daily_counts.sql; term null: totals)
-- columns: grp, term, count (messages containing the term), n_with / with_sum /
--   with_sq_sum (those with a sentiment: count, sum, sum of squares), n_without /
--   without_sum / without_sq_sum (the group's other messages with a sentiment),
--   mood_with, mood_without (means, -1..1), effect (mood_with - mood_without).

with

term_daily_counts as (
    select * from term_daily_counts
),

in_scope as (
    select
        *,
        case when $per_brand then brand else '' end as grp
    from term_daily_counts
    where tz = $tz
        and in_days(day, $date_from, $date_to)
        and in_selection(brand, channel, $brands, $channels)
),

totals as (
    select
        grp,
        sum(sentiment_n)::bigint as all_n,
        sum(sentiment_sum)::double as all_sum,
        sum(sentiment_sq_sum)::double as all_sq_sum
    from in_scope
    where term is null
    group by grp
),

terms as (
    select
        grp,
        term,
        sum(messages_n)::bigint as count,
        sum(sentiment_n)::bigint as n_with,
        sum(sentiment_sum)::double as with_sum,
        sum(sentiment_sq_sum)::double as with_sq_sum
    from in_scope
    where term is not null
    group by grp, term
),

split as (
    select
        t.*,
        a.all_n - t.n_with as n_without,
        a.all_sum - t.with_sum as without_sum,
        a.all_sq_sum - t.with_sq_sum as without_sq_sum
    from terms as t
    inner join totals as a
        on t.grp = a.grp
    where t.count >= $min_count
)

select
    *,
    with_sum / n_with as mood_with,
    without_sum / n_without as mood_without,
    with_sum / n_with - without_sum / n_without as effect
from split
where n_with >= 2 and n_without >= 2
order by grp, effect, term
