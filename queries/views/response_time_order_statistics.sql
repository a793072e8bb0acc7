-- name: response_time_order_statistics
-- purpose: chosen order statistics of the first-response times of a selection: the
--          bounds of the percentiles' 95 % intervals (dashboard/views/overview.py
--          picks the ranks; docs/METRICS.md, "Intervals"). quantile_disc at
--          (r - 0.5) / n is the value of rank r.
-- grain: one row: the values, in the order of $quantiles.
-- params:
--   $date_from, $date_to  local days (DATE), inclusive
--   $tz, $brands, $channels  as in overview_kpis
--   $quantiles            a list of probabilities (DOUBLE[]), one per order statistic
-- tables: response_times (one row per conversation with a measurable first response)

with

response_times as (
    select * from response_times
),

in_scope as (
    select first_response_s
    from response_times
    where in_local_days(first_inbound_at, $tz, $date_from, $date_to)
        and in_selection(brand, channel, $brands, $channels)
)

select quantile_disc(first_response_s, $quantiles) as values_s
from in_scope
