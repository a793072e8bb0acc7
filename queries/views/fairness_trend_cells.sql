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
-- params:
--   $date_from, $date_to  first and last local day included (DATE)
--   $tz                   display time zone that assigns days
--   $brands, $channels    lists to keep; an empty list keeps all
--   $split_channel        boolean: one group per entry channel instead of 'all'

with

conversations as (
    select * from conversations
),

in_scope as (
    select
        brand,
        case when $split_channel then channel else 'all' end as channel,
        channel as stratum,
        -- +1 so a customer with 0 followers has a place (log10 1 = 0)
        round(log10(1 + followers), 1) as followers_log10,
        answered,
        ln(greatest(first_response_s, 1)) as ln_first_response_s
    from conversations
    where followers is not null
        and in_local_days(first_inbound_at, $tz, $date_from, $date_to)
        and in_selection(brand, channel, $brands, $channels)
),

cells as (
    select
        brand,
        channel,
        stratum,
        followers_log10,
        count(*)::bigint as conversations_n,
        count(*) filter (where answered)::bigint as answered_n,
        coalesce(sum(ln_first_response_s) filter (where answered), 0)::double
            as ln_first_response_s_sum,
        coalesce(
            sum(ln_first_response_s * ln_first_response_s) filter (where answered), 0
        )::double as ln_first_response_s_sq_sum
    from in_scope
    group by brand, channel, stratum, followers_log10
)

select *
from cells
order by brand, channel, stratum, followers_log10
