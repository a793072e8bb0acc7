-- name: fairness_day_cells
-- purpose: the day grain of the follower-fairness cells (docs/METRICS.md, "Follower
--          fairness"): per local day, brand, entry channel and log10
--          followers, the counts and sums from which the fairness tests
--          (dashboard/views/fairness_trend.py) are exact. A selection reads only its
--          edge days here (sketch_rows in queries/_macros.sql: the days of the months
--          it does not cover whole); its whole months come from fairness_cells, the
--          same cells summed per local month. Stored per month beside the daily sums
--          (dashboard/data/rollup/daily.py) and read as a view over those files
--          (sql.FILE_TABLES), with a `tz` column.
-- grain: local day x brand x channel x followers_log10 = log10(1 + followers) rounded to
--        0.1 (a tenth of a decade), conversations with a known follower count only.
-- params:
--   $tz  the time zone whose calendar days the conversations are assigned to (by their
--        first inbound message), as in daily_sums
-- tables: conversations (followers, answered, first_response_s)
-- columns: conversations_n, answered_n; over the answered conversations the sum and the
--   sum of squares of ln(first_response_s), a response under 1 s counting as 1 s (ln 0
--   is undefined). Each term is rounded to a billionth and the terms are summed as whole
--   numbers, so that the sums depend neither on the order rows arrive in nor on the
--   engine (the same data gives byte-identical files, on DuckDB and on Spark).
-- note: plain, portable SQL: the Spark engine translates it.

with

conversations as (
    select * from conversations
),

with_followers as (
    select
        timezone($tz, first_inbound_at)::date as day,
        brand,
        channel,
        -- +1 so a customer with 0 followers has a place (log10 1 = 0)
        round(log10(1 + followers), 1) as followers_log10,
        answered,
        case when answered then ln(greatest(first_response_s, 1)) end as ln_first_response_s
    from conversations
    where followers is not null
),

fixed_point as (
    -- each term in billionths, rounded once (the same double product on any engine,
    -- then a whole number), and summed exactly: neither the order of the rows nor the
    -- engine changes the sums (a cast of a double to a DECIMAL with decimals rounds
    -- differently on DuckDB and Spark in about 1 of 1,000 values)
    select
        *,
        cast(round(ln_first_response_s * 1e9) as decimal(38, 0)) as ln_nano,
        cast(round(ln_first_response_s * ln_first_response_s * 1e9) as decimal(38, 0))
            as ln_sq_nano
    from with_followers
)

select
    day,
    brand,
    channel,
    followers_log10,
    cast(count(*) as bigint) as conversations_n,
    cast(count(*) filter (where answered) as bigint) as answered_n,
    cast(coalesce(sum(ln_nano), 0) as double) / 1e9 as ln_first_response_s_sum,
    cast(coalesce(sum(ln_sq_nano), 0) as double) / 1e9 as ln_first_response_s_sq_sum
from fixed_point
group by day, brand, channel, followers_log10
