-- name: fairness_day_cells
-- purpose: the day grain of the follower-fairness cells (docs/METRICS.md, "Follower
--          fairness"): per local day, brand, entry channel and log10 followers, the
--          counts and sums from which the fairness tests
--          (dashboard/views/fairness_trend.py) are exact. A selection reads only its
--          edge days here (sketch_rows in queries/_macros.sql: the days of the months
--          it does not cover whole); its whole months come from fairness_cells, the
--          same cells summed per local month. Stored per month beside the daily sums
--          (dashboard/data/rollup/daily.py) and read as a view over those files
--          (sql.FILE_TABLES), with a `tz` column.
-- grain: local day x brand x channel x followers_log10 (log10(1 + followers) rounded to
--        0.1), conversations with a known follower count only.
-- params:
--   $tz  the time zone whose calendar days the conversations are assigned to (by their
--        first inbound message), as in daily_sums
-- tables: conversations (followers, answered, first_response_s)
-- macros: fairness_cell_sums (queries/_macros.sql: the cells' rule and columns,
--   conversations_n, answered_n, ln_first_response_s_sum, ln_first_response_s_sq_sum;
--   the sums do not depend on the order of the rows or on the engine, so the same data
--   gives byte-identical files on DuckDB and on Spark).
-- note: plain, portable SQL: the Spark engine translates it.

with

conversations as (
    select * from conversations
),

with_day as (
    select
        timezone($tz, first_inbound_at)::date as day,
        *
    from conversations
)

select * from fairness_cell_sums(with_day, ['day', 'brand', 'channel'])
