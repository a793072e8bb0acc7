-- The DuckDB macros shared by the named queries: the one place they are documented.
-- dashboard.data.sql.install_macros(con) creates them on every connection that runs
-- model or view queries (connection.connect and the rollup builds), together with the
-- generated macros below; their text is part of the rollup versions, so changing a
-- macro that a model query uses rebuilds the stored rollups.
--
-- They turn additive sums and counts into the 0-100 components and the index, so
-- every group figure (and every rollup) is exact. A view query reads as
-- scope -> sums -> scores:
--
--     in_scope as (select ... from daily_sums where ... in_selection(...)),
--     sums as (select * from summed(in_scope, ['brand', 'channel'])),
--     scores as (select * from scored(sums, $weights))
--
-- Generated macros: written by dashboard.data.sql.generated_macros() from the
-- constants of dashboard/core/vocabulary.py (change the value there, never here):
--
--   follower_bucket(followers)  the follower bucket label of a follower count:
--                               '<100', '100-1k', '1k-10k', '10k-100k', '>=100k', and
--                               'unknown' for null; vocabulary.FOLLOWER_BUCKET_TABLE
--                               (each bucket's label and exclusive upper bound).
--   follower_buckets()          table macro: every bucket label (follower_bucket) with
--                               its place, smallest audience first (bucket_order 1..6,
--                               'unknown' last); vocabulary.FOLLOWER_BUCKETS.
--   default_target_s()          the first-response target in seconds (DOUBLE, 3600) of
--                               a channel the config sets none for;
--                               vocabulary.DEFAULT_TARGET_S.
--   with_index_products(t)      table macro: t's per-conversation rows (with the
--                               <component>_y / _d terms of daily_sums.sql) plus, per
--                               pair of components i, k, the products of their terms
--                               cov_<i>_<k>_yy_sum (y_i y_k) and, where a denominator
--                               is not every conversation, _yd_sum (y_i d_k), _dy_sum
--                               (d_i y_k), _dd_sum (d_i d_k); vocabulary.COMPONENT_SUMS.
--   topic_stop_words()          table macro: the topics' English stop words, one row
--                               each (column `word`), from dashboard/data/stopwords.txt
--                               (its header names the source: NLTK's list, with no,
--                               nor, not kept as words); docs/METRICS.md, "Topics".
--
-- Column conventions the macros rely on (the daily rollup, queries/model/daily_sums.sql):
-- a count ends in _n, a sum in _sum; conversations_n is the number of conversations.


-- is_selected(value, choices): true when `choices` (a list) is empty or contains
-- `value`. Business rule: an empty brand or channel list in a filter keeps everything,
-- it never means "none".
create or replace macro is_selected(value, choices) as
    (len(choices) = 0 or list_contains(choices, value));

-- in_selection(brand, channel, brands, channels): the row's brand and (entry) channel
-- are in the selection's lists ($brands, $channels); an empty list keeps all.
create or replace macro in_selection(brand, channel, brands, channels) as
    is_selected(brand, brands) and is_selected(channel, channels);

-- local_day_start(tz, day): the instant (TIMESTAMPTZ) a local calendar day begins in
-- time zone tz. Filtering `first_inbound_at >= local_day_start(tz, d)` keeps the same
-- rows as comparing each row's local time with d, without converting every row
-- (constant-folded once per query).
create or replace macro local_day_start(tz, day) as
    timezone(tz, day::date::timestamp);

-- in_local_days(ts, tz, date_from, date_to): the instant ts (TIMESTAMPTZ, e.g.
-- first_inbound_at) falls on a local day from date_from to date_to, both included, in
-- time zone tz. Business rule: a conversation belongs to the local day of its first
-- inbound message. Written as an instant range [start of date_from, start of the day
-- after date_to) so both bounds fold to constants and zone maps skip row groups: this
-- is what makes medians over the response times fast.
create or replace macro in_local_days(ts, tz, date_from, date_to) as
    ts >= local_day_start(tz, date_from) and ts < local_day_start(tz, date_to::date + 1);

-- in_days(day, date_from, date_to): a local calendar day (DATE, e.g. the daily
-- rollup's `day`) from date_from to date_to, both included. Business rule: a
-- conversation belongs to the local day of its first inbound message, so this over the
-- daily rollup (days cut in its `tz`) selects what in_local_days selects over the
-- conversations.
create or replace macro in_days(day, date_from, date_to) as
    day >= date_from::date and day <= date_to::date;

-- period_start(local_ts, grain, all_start): the first day (DATE) of the period a local
-- timestamp or day falls in, for grain 'day' | 'week' (weeks start on Monday) |
-- 'month'; any other grain ('all') puts everything in one period starting all_start.
create or replace macro period_start(local_ts, grain, all_start) as
    case grain
        when 'day' then date_trunc('day', local_ts)::date
        when 'week' then date_trunc('week', local_ts)::date
        when 'month' then date_trunc('month', local_ts)::date
        else all_start
    end;

-- summed(t, keys): table macro. The additive sums and counts of the daily rollup's
-- rows in `t` (a CTE or table with the count and sum columns of daily_sums), per group
-- of the columns named in `keys` (a list of at least one column name, e.g. ['brand',
-- 'channel']); t's other columns are dropped. Every column ending in _n is a count
-- (summed as BIGINT) and every column ending in _sum a sum (summed as DOUBLE), so a new
-- count or sum in queries/model/daily_sums.sql needs no change here; a key's name
-- never ends in _n or _sum. Business rule: a
-- group's figures are built from these sums only, so a month equals the sum of its
-- days and a brand the sum of its channels (sums of sums are exact). No row for a group
-- without rows.
create or replace macro summed(t, keys) as table
    select
        columns(lambda c: list_contains(keys, c)),
        sum(columns('_n$'))::bigint,
        sum(columns('_sum$'))::double
    from query_table(t)
    group by all;

-- with_component_terms(t): table macro. t's conversation rows (the columns of
-- queries/model/conversations.sql) with each index component's per-conversation term
-- <component>_y and, where not every conversation counts, its denominator's 0/1
-- <component>_d (docs/METRICS.md, "Intervals"; vocabulary.COMPONENT_SUMS names them).
-- Business rule: a conversation whose speed cannot be measured, or without a mood or a
-- rating, is left out of that component (d = 0), never counted as 0.
create or replace macro with_component_terms(t) as table
    select
        *,
        coalesce(within_target, false)::double as speed_y,
        (within_target is not null)::double as speed_d,
        resolved::double as resolution_y,
        effortless::double as effort_y,
        coalesce(mood_sentiment, 0)::double as mood_y,
        (mood_sentiment is not null)::double as mood_d,
        coalesce(csat >= 4, false)::double as satisfaction_y,
        (csat is not null)::double as satisfaction_d
    from query_table(t);

-- conversation_sums(t, keys): table macro. The additive sums and counts of the
-- conversations in `t` (conversation rows, each counted once) per group of the
-- columns named in `keys`: the daily rollup's columns (queries/model/daily_sums.sql
-- documents them), from which `summed` and `scored` build every figure and
-- dashboard/views/intervals.py its interval. The daily rollup and every view that
-- groups conversations another way (e.g. by agent) sum them with this one rule.
create or replace macro conversation_sums(t, keys) as table
    with
    terms as (
        select * from with_component_terms(t)
    ),
    with_products as (
        select * from with_index_products(terms)
    )
    select
        columns(lambda c: list_contains(keys, c)),
        count(*)::bigint as conversations_n,
        count(*) filter (where answered)::bigint as answered_n,
        count(*) filter (where dropped)::bigint as dropped_n,
        count(within_target)::bigint as timed_n,
        count(*) filter (where within_target)::bigint as within_target_n,
        count(*) filter (where resolved)::bigint as resolved_n,
        count(*) filter (where resolved_is_proxy)::bigint as resolved_proxy_n,
        count(*) filter (where marked_resolved)::bigint as marked_resolved_n,
        count(*) filter (where reopened)::bigint as reopened_n,
        count(*) filter (where effortless)::bigint as effortless_n,
        sum(mood_sentiment)::double as mood_sentiment_sum,
        sum(mood_sentiment * mood_sentiment)::double as mood_sentiment_sq_sum,
        count(mood_sentiment)::bigint as mood_sentiment_n,
        count(csat)::bigint as rated_n,
        sum(satisfaction_y)::bigint as satisfied_n,
        count(first_response_s)::bigint as first_response_n,
        sum(first_response_s)::double as first_response_s_sum,
        sum(first_response_s * first_response_s)::double as first_response_s_sq_sum,
        count(nps)::bigint as nps_n,
        count(*) filter (where nps >= 9)::bigint as promoters_n,
        count(*) filter (where nps <= 6)::bigint as detractors_n,
        count(sentiment_lift)::bigint as sentiment_lift_n,
        sum(sentiment_lift)::double as sentiment_lift_sum,
        sum(sentiment_lift * sentiment_lift)::double as sentiment_lift_sq_sum,
        sum(columns('^cov_'))::double
    from with_products
    group by all;

-- share_score(k, n): a share of conversations as 0..100 (100 x k / n); null for an
-- empty group (n = 0 or null), never 0.
create or replace macro share_score(k, n) as
    case when n > 0 then 100.0 * k / n end;

-- mood_score(mood_sentiment_sum, mood_sentiment_n): the Mood component M =
-- 50 x (1 + mean mood sentiment), mapping the -1..1 sentiment to 0..100 (neutral = 50);
-- null when no conversation of the group has a mood sentiment.
create or replace macro mood_score(mood_sentiment_sum, mood_sentiment_n) as
    case when mood_sentiment_n > 0 then 50.0 * (1 + mood_sentiment_sum / mood_sentiment_n) end;

-- happiness_index(mood, speed, resolution, effort, satisfaction, weights): the Customer
-- Happiness Index, the weighted mean of the components (0-100) that are not null;
-- `weights` is the struct $weights {mood, speed, resolution, effort, satisfaction}
-- (dashboard.core.filters.query_params, from the config's [weights]). A component
-- without data drops out with its weight; null when none has data.
create or replace macro happiness_index(mood, speed, resolution, effort, satisfaction, weights) as (
    coalesce(weights.mood * mood, 0) + coalesce(weights.speed * speed, 0)
    + coalesce(weights.resolution * resolution, 0) + coalesce(weights.effort * effort, 0)
    + coalesce(weights.satisfaction * satisfaction, 0)
) / nullif(
    case when mood is null then 0 else weights.mood end
    + case when speed is null then 0 else weights.speed end
    + case when resolution is null then 0 else weights.resolution end
    + case when effort is null then 0 else weights.effort end
    + case when satisfaction is null then 0 else weights.satisfaction end,
    0
);

-- nps_score(promoters_n, detractors_n, nps_n): the Net Promoter Score, 100 x (promoters
-- - detractors) / rated, -100..100; null without NPS ratings.
create or replace macro nps_score(promoters_n, detractors_n, nps_n) as
    case when nps_n > 0 then 100.0 * (promoters_n - detractors_n) / nps_n end;

-- scored(t, weights): table macro. Every row of `t` (summed rows: conversations_n and
-- the other sums of `summed`) with its scores added:
--   response_rate (100 x answered / n, not part of the index);
--   the five components mood (M), speed (R: within target / timed), resolution (V),
--   effort (E), satisfaction (C), each 0-100, and happiness_index with `weights`;
--   drop_rate (dropped / answered), reopen_rate (reopened / marked resolved),
--   nps (-100..100), mean_first_response_s (over the timed answered conversations),
--   sentiment_lift (mood points: 50 x mean(last - first customer sentiment)).
-- Their 95 % intervals are computed from the same sums, on the returned rows, by
-- dashboard/views/intervals.py (docs/METRICS.md, "Intervals"): a view query keeps
-- the sums in its output for that.
-- Business rule (docs/METRICS.md): a score without data is null, never 0.
create or replace macro scored(t, weights) as table
    select
        *,
        happiness_index(mood, speed, resolution, effort, satisfaction, weights)
            as happiness_index
    from (
        select
            *,
            share_score(answered_n, conversations_n) as response_rate,
            mood_score(mood_sentiment_sum, mood_sentiment_n) as mood,
            share_score(within_target_n, timed_n) as speed,
            share_score(resolved_n, conversations_n) as resolution,
            share_score(effortless_n, conversations_n) as effort,
            share_score(satisfied_n, rated_n) as satisfaction,
            share_score(dropped_n, answered_n) as drop_rate,
            share_score(reopened_n, marked_resolved_n) as reopen_rate,
            nps_score(promoters_n, detractors_n, nps_n) as nps,
            case when first_response_n > 0 then first_response_s_sum / first_response_n end
                as mean_first_response_s,
            case when sentiment_lift_n > 0 then 50 * sentiment_lift_sum / sentiment_lift_n end
                as sentiment_lift
        from query_table(t)
    );

-- sketch_first_whole_month(date_from): the first day of the first month that starts on
-- or after date_from (date_from itself when it is a 1st).
create or replace macro sketch_first_whole_month(date_from) as
    case
        when date_from::date = date_trunc('month', date_from::date)::date then date_from::date
        else (date_trunc('month', date_from::date) + interval 1 month)::date
    end;

-- sketch_last_whole_month_end(date_to): the last day of the last month that ends on or
-- before date_to (date_to itself when it is a month's last day).
create or replace macro sketch_last_whole_month_end(date_to) as
    case
        when date_to::date = last_day(date_to::date) then date_to::date
        else (date_trunc('month', date_to::date) - interval 1 day)::date
    end;

-- sketch_rows(months, days, date_from, date_to): table macro. The response-time sketch
-- rows of the local days date_from..date_to (inclusive, DATEs) from its two grains
-- (docs/METRICS.md, "Percentiles"): `months` per local month (month_start, its first
-- day: queries/model/response_time_buckets.sql or agent_response_time_buckets.sql) for
-- every month the range covers whole, `days` per local day (day:
-- response_time_day_buckets.sql, agent_response_time_day_buckets.sql) for the days of
-- the months it covers in part: the leading edge (date_from up to the first whole
-- month) and the trailing one (after the last whole month up to date_to; without a
-- whole month, the leading edge runs to that month's end and the trailing one is the
-- rest). Each part is a plain day range, so a view over stored files reads only the
-- row groups of its edge days. Both tables have the same other columns; the result has
-- them without month_start / day. Business rule: a month row is the sum of its days'
-- rows and every day is taken once, from one grain, so the sketch of the result is
-- exactly the sketch of the range's conversations (the bound stays alpha); a range of
-- two whole months reads two months' rows, not sixty days'.
create or replace macro sketch_rows(months, days, date_from, date_to) as table
    select * exclude (month_start)
    from query_table(months)
    where month_start >= sketch_first_whole_month(date_from)
        and month_start <= sketch_last_whole_month_end(date_to)
    union all by name
    select * exclude (day)
    from query_table(days)
    where day >= date_from::date
        and day <= least(date_to::date, sketch_first_whole_month(date_from) - 1)
    union all by name
    select * exclude (day)
    from query_table(days)
    where day >= greatest(
            sketch_first_whole_month(date_from), sketch_last_whole_month_end(date_to) + 1
        )
        and day <= date_to::date;

-- sketch_bucket_index(x, gamma): the response-time sketch's bucket of a time x in
-- seconds (docs/METRICS.md, "Percentiles"; DDSketch's logarithmic mapping): bucket k =
-- ceil(ln x / ln gamma) holds gamma^(k-1) < x <= gamma^k; null is the zero bucket
-- (x = 0: a reply within the same instant). The four sketch tables of
-- queries/model/*_buckets.sql count their times with it.
create or replace macro sketch_bucket_index(x, gamma) as
    case when x > 0 then cast(ceil(ln(x) / ln(gamma)) as integer) end;

-- sketch_value_s(bucket_index, gamma): the value a response-time sketch reports for
-- bucket k (docs/METRICS.md, "Percentiles"): 2 gamma^k / (gamma + 1), within the
-- relative accuracy alpha = (gamma - 1) / (gamma + 1) of every x in the bucket
-- (gamma^(k-1) < x <= gamma^k); 0 for the zero bucket (bucket_index null).
create or replace macro sketch_value_s(bucket_index, gamma) as
    case
        when bucket_index is null then 0.0
        else 2 * pow(gamma, bucket_index) / (gamma + 1)
    end;

-- sketch_rank_value(ends, values, r): the value of rank r (1-based) of a sketch given as
-- its occupied buckets smallest first (the zero bucket first): `ends` the running counts
-- (BIGINT[], each bucket's last rank), `values` their reported values (DOUBLE[]). The
-- bucket holding rank r is the first whose running count reaches r: one past the
-- buckets that end before r.
create or replace macro sketch_rank_value(ends, values, r) as
    values[len(list_filter(ends, lambda e: e < r)) + 1];

-- sketch_disc(ends, values, n, q): quantile_disc's value at level q of a sketch of n
-- responses given as in sketch_rank_value: the value of rank max(1, ceil(n q)).
create or replace macro sketch_disc(ends, values, n, q) as
    sketch_rank_value(ends, values, greatest(1, ceil(n * q)));

-- sketch_cont(ends, values, n, q): quantile_cont's value at level q: the values of ranks
-- floor((n - 1) q) + 1 and ceil((n - 1) q) + 1 interpolated linearly (the median of an
-- even n is the mean of the middle two).
create or replace macro sketch_cont(ends, values, n, q) as
    sketch_rank_value(ends, values, floor((n - 1) * q) + 1)
    + ((n - 1) * q - floor((n - 1) * q))
    * (
        sketch_rank_value(ends, values, ceil((n - 1) * q) + 1)
        - sketch_rank_value(ends, values, floor((n - 1) * q) + 1)
    );

-- sketch_lists(t, keys): table macro. The sketch of each group of `t` (columns named in
-- `keys`, a non-empty list, plus bucket_index and responses_n, any number of rows per
-- group and bucket: they are summed, the sketch of a selection is the sum of its rows'
-- counts): per group with responses, the keys, responses_n (the group's n), `ends` (the
-- running count of each occupied bucket, smallest bucket first, the zero bucket first)
-- and bucket_values_s (their reported values, sketch_value_s with gamma from the
-- percentile_sketch table), for sketch_rank_value / sketch_disc / sketch_cont.
create or replace macro sketch_lists(t, keys) as table
    with
    grouped as (
        select
            columns(lambda c: list_contains(keys, c)),
            bucket_index,
            sum(responses_n)::bigint as responses_n
        from query_table(t)
        group by all
        having sum(responses_n) > 0
    ),
    cumulative as (
        select
            *,
            sum(responses_n) over (
                partition by struct_pack(*columns(lambda c: list_contains(keys, c)))
                order by bucket_index asc nulls first
                rows between unbounded preceding and current row
            )::bigint as through_n,
            sketch_value_s(bucket_index, (select gamma from percentile_sketch)) as value_s
        from grouped
    )
    select
        columns(lambda c: list_contains(keys, c)),
        max(through_n) as responses_n,
        list(through_n order by through_n) as ends,
        list(value_s order by through_n) as bucket_values_s
    from cumulative
    group by all;

-- sketch_quantiles(t, keys, levels): table macro. Quantiles from a response-time
-- sketch (`t` as in sketch_lists; e.g. the rows of sketch_rows). Per group with
-- responses, returns the keys, responses_n (the group's n) and, in the order of
-- `levels` (DOUBLE[]):
--   disc_s  the value of rank r = max(1, ceil(n q)), as quantile_disc(x, q) picks it:
--           so level (r - 0.5) / n is the value of rank r (the order statistics that
--           bound a percentile's 95 % interval, docs/METRICS.md "Intervals");
--   cont_s  quantile_cont(x, q) (sketch_cont).
-- The value of rank r is the reported value (sketch_value_s) of the bucket holding it
-- (sketch_rank_value). Business rule: the exact r-th value lies in that bucket, so
-- every disc_s is within relative error alpha of the exact quantile_disc, and cont_s (a
-- weighted mean of two such values) of the exact quantile_cont. No row for a group
-- without responses. Each level costs a pass over the group's occupied buckets: for
-- ranks that differ per group ask sketch_lists and sketch_rank_value instead.
create or replace macro sketch_quantiles(t, keys, levels) as table
    select
        columns(lambda c: list_contains(keys, c)),
        responses_n,
        list_transform(
            levels, lambda q: sketch_disc(ends, bucket_values_s, responses_n, q)
        ) as disc_s,
        list_transform(
            levels, lambda q: sketch_cont(ends, bucket_values_s, responses_n, q)
        ) as cont_s
    from sketch_lists(t, keys);

-- fairness_cell_sums(t, keys): table macro. The follower-fairness cells (docs/METRICS.md,
-- "Follower fairness") of the conversations in `t` (conversation rows) with a known
-- follower count, per group of the columns named in `keys` and followers_log10 =
-- log10(1 + followers) rounded to 0.1 (a tenth of a decade; +1 so a customer with 0
-- followers has a place): conversations_n, answered_n and, over the answered ones, the
-- sum and the sum of squares of ln(first_response_s), a response under 1 s counting as
-- 1 s (ln 0 is undefined). Business rule: each ln term is taken in billionths, rounded
-- once (the same double product on any engine, then a whole number), and the terms are
-- summed exactly, so neither the order of the rows nor the engine changes a sum (a cast
-- of a double to a DECIMAL with decimals rounds differently on DuckDB and Spark in
-- about 1 of 1,000 values). queries/model/fairness_cells.sql (per local month) and
-- fairness_day_cells.sql (per local day) store them.
create or replace macro fairness_cell_sums(t, keys) as table
    with
    with_followers as (
        select
            *,
            round(log10(1 + followers), 1) as followers_log10,
            case when answered then ln(greatest(first_response_s, 1)) end as ln_s
        from query_table(t)
        where followers is not null
    ),
    fixed_point as (
        select
            *,
            cast(round(ln_s * 1e9) as decimal(38, 0)) as ln_nano,
            cast(round(ln_s * ln_s * 1e9) as decimal(38, 0)) as ln_sq_nano
        from with_followers
    )
    select
        columns(lambda c: list_contains(keys, c)),
        followers_log10,
        cast(count(*) as bigint) as conversations_n,
        cast(count(*) filter (where answered) as bigint) as answered_n,
        cast(coalesce(sum(ln_nano), 0) as double) / 1e9 as ln_first_response_s_sum,
        cast(coalesce(sum(ln_sq_nano), 0) as double) / 1e9 as ln_first_response_s_sq_sum
    from fixed_point
    group by all;

-- display_brand(brand): the brand's display name ([brands] in chi.toml). The reading
-- connection replaces this with the config's mapping (dashboard/data/raw.py,
-- install_display_brands); everywhere else (the rollup builds) a name is itself, so a
-- model query may join raw rows to conversations by `display_brand(raw.brand) =
-- conversations.brand` on either connection (queries/model/term_daily_counts.sql).
create or replace macro display_brand(brand) as brand;

-- --- topics (docs/METRICS.md, "Topics") ------------------------------------------------

-- customer_text(text): a customer message's text without what the customer did not
-- write or what is no topic, the rules of the sentiment cleaning
-- (dashboard/ingest/customer_text.py) in SQL and in its order, matched without case:
-- HTML entities; quoted e-mail (from an "On ... wrote:", "-----Original Message-----",
-- "From: ... Sent:" or "-- " line on, lines starting with ">", "Sent from my ..."
-- lines); retweets ("RT @handle: ..." to the end) and quoted tweets; e-mail addresses;
-- URLs; @mentions (a pseudonym @u-<16 hex> too, and a possessive 's); a bare pseudonym
-- u-<16 hex>; the `#` of a hashtag (its word stays). Curly apostrophes become straight.
-- Case is kept: the topics' example messages show it. Every replacement is global
-- ('g'), also the two whose match runs to the end of the text ((?s)...*, where one
-- replacement or all are the same): the Spark engine's translation
-- (dashboard/data/rollup/spark_regex.py) has only Spark's replace-every-match.
create or replace macro customer_text(text) as
    regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
    regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
        replace(replace(replace(text, '’', ''''), '‘', ''''), '&amp;', '&'),
        '&(lt|gt|quot|apos|nbsp|#[0-9]+);', ' ', 'gi'),
        '(?s)(^|\n)[ \t]*(on\b[^\n]{0,300}?\bwrote:|-{2,}\s*original message\s*-{2,}'
        || '|from:[^\n]*\n([^\n]*\n)?sent:|-- ?(\n|$)).*', ' ', 'gi'),
        '(?m)^[ \t]*(>.*|sent from my .*)$', ' ', 'gi'),
        '(?s)(^|\s)[rm]t\s?@\w+:.*', ' ', 'gi'),
        '["“]\s?@\w+:[^"”]*["”]?', ' ', 'g'),
        '[\w.+-]+@[a-z0-9-]+(\.[a-z0-9-]+)+', ' ', 'gi'),
        '(https?://|www\.)\S+|\bt\.co/\S*'
        || '|\b([a-z0-9-]+\.)+(com|net|org|co|uk|io|ly|gl|info|biz)\b(/\S*)?', ' ', 'gi'),
        '@(u-[0-9a-f]{16}\b|\w+)(''s\b)?', ' ', 'gi'),
        '\bu-[0-9a-f]{16}\b', ' ', 'gi'),
        '#', ' ', 'g');

-- topic_text(text): customer_text(text) in lower case, what the topics tokenise.
create or replace macro topic_text(text) as
    lower(customer_text(text));

-- topic_tokens(text): the tokens of topic_text(text), in order: runs of letters and
-- digits with inner apostrophes ("can't", "7am", "café"), and a '|' for every stretch of
-- sentence punctuation (. ! ? , ; : brackets, quotes, slashes, a spaced dash, a line
-- break). A '|' is never a term, so a two-word phrase never spans punctuation ("power
-- cut. refund" has no "cut refund").
create or replace macro topic_tokens(text) as
    regexp_extract_all(
        regexp_replace(
            topic_text(text), '[.!?,;:()\[\]{}"“”…/|+=*~<>]+|\s[-–—]+\s|\n', ' | ', 'g'
        ),
        '[\p{L}\p{N}]+(?:''[\p{L}\p{N}]+)*|\|'
    );

-- topic_brand_words(brand): the brand's own names as tokens (lower case), removed from
-- its customers' topics as the sentiment cleaning removes them from what it scores: the
-- name written together ("voltlineenergy", "applesupport") and each word of it
-- (`British_Airways` -> british, airways; `AppleSupport` -> apple; words of 2+ letters;
-- never the support-account words support, help, helps, care, cares, service, team,
-- ask, which are topics in their own right).
create or replace macro topic_brand_words(brand) as
    list_distinct(list_filter(
        [lower(regexp_replace(brand, '[\s_.-]+', '', 'g'))]
        || string_split_regex(
            lower(regexp_replace(regexp_replace(
                brand, '([a-z0-9])([A-Z])', '\1 \2', 'g'), '([A-Z])([A-Z][a-z])', '\1 \2', 'g')),
            '[\s_.-]+'
        ),
        lambda w: length(w) >= 2 and not list_contains(
            ['support', 'help', 'helps', 'care', 'cares', 'service', 'team', 'ask'], w
        )
    ));

-- topic_id_like(token): a token holding four or more digits: an order, account,
-- tracking or phone number, a year or a code, never a topic ("ios 11" and "7am" stay).
create or replace macro topic_id_like(token) as
    regexp_matches(token, '(\D*\d){4}');
