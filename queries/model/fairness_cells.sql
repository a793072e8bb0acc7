-- name: fairness_cells
-- purpose: the month grain of the follower-fairness cells (docs/METRICS.md, "Follower
--          fairness"): the rows of fairness_day_cells summed per local month, so a
--          selection's whole months read a few cells per brand and channel
--          (sketch_rows in queries/_macros.sql) instead of every day's. Stored per
--          month beside the daily sums (dashboard/data/rollup/daily.py; a local month
--          near a facts month's edge has rows in both files: the counts and sums add
--          up) and loaded like them, with a `tz` column.
-- grain: local month (month_start, its first day) x brand x channel x followers_log10,
--        conversations with a known follower count only.
-- params:
--   $tz  the time zone whose calendar days (and months) the conversations are assigned
--        to, by their first inbound message, as in daily_sums
-- tables: conversations (followers, answered, first_response_s)
-- macros: fairness_cell_sums (the cells' rule and columns, as in fairness_day_cells).
-- note: plain, portable SQL: the Spark engine translates it.

with

conversations as (
    select * from conversations
),

with_month as (
    select
        date_trunc('month', timezone($tz, first_inbound_at)::date)::date as month_start,
        *
    from conversations
)

select * from fairness_cell_sums(with_month, ['month_start', 'brand', 'channel'])
