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
--   z95()                       1.95996..., the normal quantile of every 95 % interval;
--                               vocabulary.Z95.
--   with_index_products(t)      table macro: t's per-conversation rows (with the
--                               <component>_y / _d terms of daily_sums.sql) plus, per
--                               pair of components i, k, the products of their terms
--                               cov_<i>_<k>_yy_sum (y_i y_k) and, where a denominator
--                               is not every conversation, _yd_sum (y_i d_k), _dy_sum
--                               (d_i y_k), _dd_sum (d_i d_k); vocabulary.COMPONENT_SUMS.
--   index_variance(t, weights)  table macro: t's summed rows plus happiness_index_var,
--                               the delta-method variance of the index (the weighted
--                               mean of the components with data) from those sums,
--                               with the (n - 1) correction per component; null
--                               under 2 conversations; and happiness_index_df, the
--                               smallest (d - 1) of the weighted components with data
--                               (docs/METRICS.md, "Intervals").
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

-- wilson_bound(k, n, side): a bound of the 95 % Wilson score interval of the share
-- k / n, as 0..100; side -1 gives the lower and +1 the upper bound. Null when n = 0.
-- Business rule: shares (speed, resolution, effort, satisfaction, response, drop and
-- reopen rates) use Wilson's interval, which stays inside 0..100 and keeps its 95 %
-- coverage for small n, where p +- 1.96 sd does not.
create or replace macro wilson_bound(k, n, side) as
    case when n > 0 then
        100.0 * (
            k / n + z95() ^ 2 / (2 * n)
            + side * z95() * sqrt(greatest(k / n * (1 - k / n), 0) / n + z95() ^ 2 / (4 * n ^ 2))
        ) / (1 + z95() ^ 2 / n)
    end;

-- t95(df): the two-sided 95 % quantile of Student's t with df degrees of freedom:
-- 12.706 and 4.303 for df 1 and 2, else the Cornish-Fisher expansion of t in 1/df to
-- the fourth term (3.179 for df = 3 against 3.182 exact, 2.093 for df = 19; z95() as
-- df grows). Business rule: means and the index use t rather than z, so that small
-- groups (n = 20) keep their 95 % coverage.
create or replace macro t95(df) as
    case
        when df < 1 then null
        when df < 2 then 12.706
        when df < 3 then 4.303
        else z95()
            + (z95() ^ 3 + z95()) / (4 * df)
            + (5 * z95() ^ 5 + 16 * z95() ^ 3 + 3 * z95()) / (96 * df ^ 2)
            + (3 * z95() ^ 7 + 19 * z95() ^ 5 + 17 * z95() ^ 3 - 15 * z95()) / (384 * df ^ 3)
            + (79 * z95() ^ 9 + 776 * z95() ^ 7 + 1482 * z95() ^ 5 - 1920 * z95() ^ 3
                - 945 * z95()) / (92160 * df ^ 4)
    end;

-- mean_bound(total, squares, n, side): a bound of the 95 % interval of a mean from its
-- sums (total = sum of x, squares = sum of x^2, n values): mean +- t95(n - 1) x s / sqrt(n),
-- with s the sample standard deviation; side -1 lower, +1 upper. Null under 2 values.
create or replace macro mean_bound(total, squares, n, side) as
    case when n >= 2 then
        total / n
        + side * t95(n - 1) * sqrt(greatest(squares - total ^ 2 / n, 0) / (n - 1) / n)
    end;

-- clamped(x, lo, hi): x kept inside lo..hi; null stays null (greatest and least
-- would skip a null and return a bound: an interval of no data must stay empty).
create or replace macro clamped(x, lo, hi) as
    case when x is not null then greatest(lo, least(hi, x)) end;

-- score_bound(score, variance, df, side): a bound of the 95 % interval of a 0..100
-- score with the given variance and degrees of freedom, score +- t95(df) x
-- sqrt(variance), kept inside 0..100; side -1 lower, +1 upper. Null when df < 1.
create or replace macro score_bound(score, variance, df, side) as
    case when df >= 1 then
        clamped(score + side * t95(df) * sqrt(greatest(variance, 0)), 0.0, 100.0)
    end;

-- order_rank_offset(n, p, side): the rank (1-based, not yet rounded) of the bound of
-- the distribution-free 95 % interval of the p-quantile of n sorted values: n p + side
-- x z95 x sqrt(n p (1 - p)); round the lower bound down and the upper bound up (+1)
-- and keep them within 1..n.
create or replace macro order_rank_offset(n, p, side) as
    n * p + side * z95() * sqrt(n * p * (1 - p)) + case when side > 0 then 1 else 0 end;

-- nps_score(promoters_n, detractors_n, nps_n): the Net Promoter Score, 100 x (promoters
-- - detractors) / rated, -100..100; null without NPS ratings.
create or replace macro nps_score(promoters_n, detractors_n, nps_n) as
    case when nps_n > 0 then 100.0 * (promoters_n - detractors_n) / nps_n end;

-- nps_variance(promoters_n, detractors_n, nps_n): the variance of nps_score, 100^2 x
-- (p + d - (p - d)^2) / (n - 1) with p, d the promoter and detractor shares; null under 2.
create or replace macro nps_variance(promoters_n, detractors_n, nps_n) as
    case when nps_n >= 2 then
        100.0 ^ 2 * (
            promoters_n / nps_n + detractors_n / nps_n - ((promoters_n - detractors_n) / nps_n) ^ 2
        ) / (nps_n - 1)
    end;

-- scored(t, weights): table macro. Every row of `t` (summed rows: conversations_n and
-- the other sums of `summed`) with its scores added, each with its 95 % interval
-- (<score>_ci_low, <score>_ci_high; docs/METRICS.md, "Intervals"):
--   response_rate (100 x answered / n, not part of the index);
--   the five components mood (M), speed (R: within target / timed), resolution (V),
--   effort (E), satisfaction (C), each 0-100, and happiness_index with `weights`;
--   drop_rate (dropped / answered), reopen_rate (reopened / marked resolved),
--   nps (-100..100), mean_first_response_s (over the timed answered conversations),
--   sentiment_lift (mood points: 50 x mean(last - first customer sentiment)).
-- Business rule (docs/METRICS.md): a score without data is null, never 0.
create or replace macro scored(t, weights) as table
    select
        *,
        wilson_bound(answered_n, conversations_n, -1) as response_rate_ci_low,
        wilson_bound(answered_n, conversations_n, 1) as response_rate_ci_high,
        clamped(50 * (1 + mean_bound(mood_sentiment_sum, mood_sentiment_sq_sum,
            mood_sentiment_n, -1)), 0.0, 100.0) as mood_ci_low,
        clamped(50 * (1 + mean_bound(mood_sentiment_sum, mood_sentiment_sq_sum,
            mood_sentiment_n, 1)), 0.0, 100.0) as mood_ci_high,
        wilson_bound(within_target_n, timed_n, -1) as speed_ci_low,
        wilson_bound(within_target_n, timed_n, 1) as speed_ci_high,
        wilson_bound(resolved_n, conversations_n, -1) as resolution_ci_low,
        wilson_bound(resolved_n, conversations_n, 1) as resolution_ci_high,
        wilson_bound(effortless_n, conversations_n, -1) as effort_ci_low,
        wilson_bound(effortless_n, conversations_n, 1) as effort_ci_high,
        wilson_bound(satisfied_n, rated_n, -1) as satisfaction_ci_low,
        wilson_bound(satisfied_n, rated_n, 1) as satisfaction_ci_high,
        score_bound(happiness_index, happiness_index_var, happiness_index_df, -1)
            as happiness_index_ci_low,
        score_bound(happiness_index, happiness_index_var, happiness_index_df, 1)
            as happiness_index_ci_high,
        wilson_bound(dropped_n, answered_n, -1) as drop_rate_ci_low,
        wilson_bound(dropped_n, answered_n, 1) as drop_rate_ci_high,
        wilson_bound(reopened_n, marked_resolved_n, -1) as reopen_rate_ci_low,
        wilson_bound(reopened_n, marked_resolved_n, 1) as reopen_rate_ci_high,
        clamped(nps - t95(nps_n - 1) * sqrt(nps_variance(promoters_n, detractors_n, nps_n)),
            -100.0, 100.0) as nps_ci_low,
        clamped(nps + t95(nps_n - 1) * sqrt(nps_variance(promoters_n, detractors_n, nps_n)),
            -100.0, 100.0) as nps_ci_high,
        clamped(mean_bound(first_response_s_sum, first_response_s_sq_sum,
            first_response_n, -1), 0.0, null) as mean_first_response_s_ci_low,
        mean_bound(first_response_s_sum, first_response_s_sq_sum, first_response_n, 1)
            as mean_first_response_s_ci_high,
        50 * mean_bound(sentiment_lift_sum, sentiment_lift_sq_sum, sentiment_lift_n, -1)
            as sentiment_lift_ci_low,
        50 * mean_bound(sentiment_lift_sum, sentiment_lift_sq_sum, sentiment_lift_n, 1)
            as sentiment_lift_ci_high
    from (
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
            from index_variance(t, weights)
        )
    );
