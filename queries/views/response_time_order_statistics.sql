-- name: response_time_order_statistics
-- purpose: chosen order statistics of the first-response times of a selection: the
--          bounds of the percentiles' 95 % intervals (dashboard/views/overview.py
--          picks the ranks; docs/METRICS.md, "Intervals"), read from the response-time
--          sketch: level (r - 0.5) / n is the value of rank r, the reported value of
--          the bucket whose running count reaches r (sketch_quantiles' disc_s, within
--          the relative accuracy alpha of the exact r-th value; docs/METRICS.md,
--          "Percentiles").
-- grain: one row: the values, in the order of $quantiles (null without responses).
-- params:
--   $date_from, $date_to  local days (DATE), inclusive
--   $tz, $brands, $channels  as in overview_kpis
--   $quantiles            a list of probabilities (DOUBLE[]), one per order statistic
-- tables: response_time_buckets (queries/model/response_time_buckets.sql, with a tz
--   column)

with

response_time_buckets as (
    select * from response_time_buckets
),

response_time_day_buckets as (
    select * from response_time_day_buckets
),

in_scope as (
    select
        'selection' as scope,
        bucket_index,
        responses_n
    from sketch_rows(response_time_buckets, response_time_day_buckets, $date_from, $date_to)
    where tz = $tz
        and in_selection(brand, channel, $brands, $channels)
)

select quantiles.disc_s as values_s
from (select 'selection' as scope) as selection
left join sketch_quantiles(in_scope, ['scope'], $quantiles) as quantiles
    on selection.scope = quantiles.scope
