-- name: fairness_cells
-- purpose: the month grain of the follower-fairness cells (docs/METRICS.md,
--          "Follower fairness"): the rows of fairness_day_cells summed
--          per local month, so a selection's whole months read a few cells per brand
--          and channel (sketch_rows in queries/_macros.sql) instead of every day's.
--          Stored per month beside the daily sums (dashboard/data/rollup/daily.py; a
--          local month near a facts month's edge has rows in both files: the counts
--          and sums add up) and loaded like them, with a `tz` column.
-- grain: local month (month_start, its first day) x brand x channel x followers_log10
--        (log10(1 + followers) rounded to 0.1), conversations with a known follower
--        count only.
-- params:
--   $tz  the time zone whose calendar days the conversations are assigned to (by their
--        first inbound message), as in daily_sums
-- tables: conversations (followers, answered, first_response_s)
-- columns: as in fairness_day_cells.
-- note: plain, portable SQL: the Spark engine translates it.

with

conversations as (
    select * from conversations
),

with_followers as (
    select
        date_trunc('month', timezone($tz, first_inbound_at)::date)::date as month_start,
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
    month_start,
    brand,
    channel,
    followers_log10,
    cast(count(*) as bigint) as conversations_n,
    cast(count(*) filter (where answered) as bigint) as answered_n,
    cast(coalesce(sum(ln_nano), 0) as double) / 1e9 as ln_first_response_s_sum,
    cast(coalesce(sum(ln_sq_nano), 0) as double) / 1e9 as ln_first_response_s_sq_sum
from fixed_point
group by month_start, brand, channel, followers_log10
