-- name: fairness_response_times
-- purpose: the response-time sketch of chosen follower buckets, for the median and the
--          bootstrap interval of the speed premium (dashboard/views/fairness.py): per
--          group, each occupied bucket's reported value (sketch_value_s, within the
--          relative accuracy alpha of every response in it; docs/METRICS.md,
--          "Percentiles") and how many answered conversations fall in it. A median of
--          these values weighted by the counts is sketch_quantiles' median. Only the
--          two buckets compared per brand are asked for, so the rows stay few.
-- grain: one row per requested group with answered conversations: the lists of their
--        bucket values (seconds, ascending) and counts.
-- params:
--   $date_from, $date_to  first and last local day included (DATE)
--   $tz                   display time zone that assigns days
--   $channels             entry channels to keep; an empty list keeps all
--   $split_channel        boolean: groups are per entry channel instead of 'all'
--   $groups               list of [brand, channel group, follower_bucket] to return
-- tables: response_time_buckets (with a tz column), percentile_sketch (gamma)

with

response_time_buckets as (
    select * from response_time_buckets
),

response_time_day_buckets as (
    select * from response_time_day_buckets
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
        bucket_index,
        responses_n
    from sketch_rows(response_time_buckets, response_time_day_buckets, $date_from, $date_to)
    where tz = $tz
        and is_selected(channel, $channels)
),

wanted_buckets as (
    select
        in_scope.brand,
        in_scope.channel,
        in_scope.follower_bucket,
        in_scope.bucket_index,
        sum(in_scope.responses_n)::bigint as responses_n
    from in_scope
    semi join wanted
        on in_scope.brand = wanted.brand
        and in_scope.channel = wanted.channel
        and in_scope.follower_bucket = wanted.follower_bucket
    group by all
)

select
    brand,
    channel,
    follower_bucket,
    list(
        sketch_value_s(bucket_index, (select gamma from percentile_sketch))
        order by bucket_index asc nulls first
    ) as bucket_values_s,
    list(responses_n order by bucket_index asc nulls first) as responses_n
from wanted_buckets
group by brand, channel, follower_bucket
