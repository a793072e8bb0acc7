-- name: fairness_response_times
-- purpose: the first-response times of the answered conversations in chosen
--          follower buckets, for the bootstrap interval of the speed premium
--          (dashboard/views/fairness.py). Only the two buckets compared per brand are
--          asked for, so the rows stay few.
-- grain: one row per requested group with answered conversations: the list of
--        their first-response seconds (in no particular order; the bootstrap sorts).
-- params:
--   $date_from, $date_to  first and last local day included (DATE)
--   $tz                   display time zone that assigns days
--   $channels             entry channels to keep; an empty list keeps all
--   $split_channel        boolean: groups are per entry channel instead of 'all'
--   $groups               list of [brand, channel group, follower_bucket] to return

with

response_times as (
    select * from response_times
),

wanted as (
    -- the requested groups as rows, to join on
    select
        item[1] as brand,
        item[2] as channel,
        item[3] as follower_bucket
    from (select unnest($groups::varchar[][]) as item)
),

in_scope as (
    select
        brand,
        case when $split_channel then channel else 'all' end as channel,
        follower_bucket,
        first_response_s
    from response_times
    where is_selected(channel, $channels)
        and in_local_days(first_inbound_at, $tz, $date_from, $date_to)
)

select
    in_scope.brand,
    in_scope.channel,
    in_scope.follower_bucket,
    list(in_scope.first_response_s) as first_responses_s
from in_scope
semi join wanted
    on in_scope.brand = wanted.brand
    and in_scope.channel = wanted.channel
    and in_scope.follower_bucket = wanted.follower_bucket
group by in_scope.brand, in_scope.channel, in_scope.follower_bucket
