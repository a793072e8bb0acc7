-- name: engagement_audience_bounds
-- purpose: first and last day with audience rows, so `chi report engagement`
--          covers every audience day by default (the shared report defaults
--          come from the conversations).
-- grain: one row (nulls when there are no audience rows).
-- params: none

with

audience as (
    select * from audience
)

select
    min(date) as first_day,
    max(date) as last_day
from audience
