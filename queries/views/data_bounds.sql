-- name: data_bounds
-- purpose: what the filters can offer: first and last local day with
--          conversations, and every brand and entry channel present.
-- grain: one row.
-- params: $tz  display time zone
-- tables: daily_sums (the daily rollup; its days for $tz)

with

daily_sums as (
    select * from daily_sums
)

select
    min(day) as first_day,
    max(day) as last_day,
    coalesce(list(distinct brand order by brand), []) as brands,
    coalesce(list(distinct channel order by channel), []) as channels,
    coalesce(sum(conversations_n), 0)::bigint as conversations_n
from daily_sums
where tz = $tz
