-- name: fairness_response_times
-- purpose: the first-response times of the answered conversations in chosen
--          follower buckets, for the bootstrap interval of the speed premium
--          (dashboard/fairness.py). Only the two buckets compared per brand are
--          asked for, so the rows stay few.
-- grain: one row per answered conversation in a requested group.
-- params:
--   $date_from, $date_to  first and last local day included (DATE)
--   $tz                   display time zone that assigns days
--   $channels             entry channels to keep; an empty list keeps all
--   $split_channel        boolean: groups are per entry channel instead of 'all'
--   $groups               list of [brand, channel group, follower_bucket] to return

with

conversations as (
    select * from conversations
),

in_scope as (
    select
        brand,
        case when $split_channel then channel else 'all' end as channel,
        follower_bucket,
        first_response_s
    from conversations
    where answered
        and (len($channels) = 0 or list_contains($channels, channel))
        and timezone($tz, first_inbound_at) >= $date_from::timestamp
        and timezone($tz, first_inbound_at) < ($date_to::date + 1)::timestamp
)

select brand, channel, follower_bucket, first_response_s
from in_scope
where list_contains($groups, [brand, channel, follower_bucket])
order by brand, channel, follower_bucket, first_response_s
