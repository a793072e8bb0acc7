-- name: fairness_trend_cells
-- purpose: the sufficient statistics of the follower-fairness tests
--          (dashboard/views/fairness_trend.py): every conversation with a known
--          follower count, grouped by brand, channel group, entry channel (the
--          stratum the tests compare within) and log10 followers. From these cells
--          the logistic regression of answered on log10 followers and the regression
--          of log first response on log10 followers are exact, so no row-level frame
--          leaves DuckDB.
-- grain: brand x channel ('all' unless $split_channel) x stratum (the entry channel)
--        x followers_log10 = log10(1 + followers) rounded to 0.1 (a tenth of a
--        decade: at most ~80 cells per stratum; the rounding moves a count by at
--        most 12%, its variance is 0.1^2 / 12 = 0.0008 against ~0.8 for the counts).
-- columns: conversations_n, answered_n; over the answered conversations the sum and
--          the sum of squares of ln(first_response_s), a response under 1 s counting
--          as 1 s (ln 0 is undefined).
-- tables: fairness_cells, fairness_day_cells (queries/model/fairness_cells.sql,
--          fairness_day_cells.sql: the same cells per local month and per local day,
--          stored with the daily rollup; sketch_rows reads a selection's whole months
--          from the one and its edge days from the other)
-- params:
--   $date_from, $date_to  first and last local day included (DATE)
--   $tz                   display time zone that assigns days
--   $brands, $channels    lists to keep; an empty list keeps all
--   $split_channel        boolean: one group per entry channel instead of 'all'

with

fairness_cells as (
    select * from fairness_cells
),

fairness_day_cells as (
    select * from fairness_day_cells
),

cells_in_scope as (
    -- whole months from the month grain, the edge days from the day grain
    select *
    from sketch_rows(fairness_cells, fairness_day_cells, $date_from, $date_to)
    where tz = $tz
        and in_selection(brand, channel, $brands, $channels)
),

cells as (
    select
        brand,
        case when $split_channel then channel else 'all' end as channel,
        channel as stratum,
        followers_log10,
        sum(conversations_n)::bigint as conversations_n,
        sum(answered_n)::bigint as answered_n,
        sum(ln_first_response_s_sum)::double as ln_first_response_s_sum,
        sum(ln_first_response_s_sq_sum)::double as ln_first_response_s_sq_sum
    from cells_in_scope
    group by all
)

select *
from cells
order by brand, channel, stratum, followers_log10
