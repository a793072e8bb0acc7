-- name: data_bounds
-- purpose: what the filters can offer: first and last local day with
--          conversations, and every brand and entry channel present.
-- grain: one row.
-- params: $tz  display time zone

with

conversations as (
    select * from conversations
)

select
    min(timezone($tz, first_inbound_at))::date as first_day,
    max(timezone($tz, first_inbound_at))::date as last_day,
    coalesce(list(distinct brand order by brand), []) as brands,
    coalesce(list(distinct channel order by channel), []) as channels,
    count(*) as conversations
from conversations
