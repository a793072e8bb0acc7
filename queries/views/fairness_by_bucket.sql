-- name: fairness_by_bucket
-- purpose: the customer side of "engagement versus follower count": per brand
--          and customer follower bucket, n, response rate, median first
--          response, within-target share and the happiness index, from the
--          additive sums of the daily rollup (the median from the response-time
--          sketch: within the relative accuracy alpha of the exact median,
--          docs/METRICS.md "Percentiles").
--          Every bucket is returned for every brand (empty buckets with 0
--          conversations and null rates).
-- grain: brand x channel ('all' unless $split_channel) x follower_bucket.
-- params:
--   $date_from, $date_to  first and last local day included (DATE)
--   $tz                   display time zone that assigns days
--   $brands, $channels    lists to keep; an empty list keeps all
--   $split_channel        boolean: one group per entry channel instead of 'all'
--   $with_medians         boolean: false leaves median_first_response_s null and skips
--                         reading the sketch (the premiums take the medians from the
--                         buckets they fetch anyway)
--   $weights              the index weights {mood, speed, resolution, effort, satisfaction}

with

daily_sums as (
    select * from daily_sums
),

response_time_buckets as (
    select * from response_time_buckets
),

response_time_day_buckets as (
    select * from response_time_day_buckets
),

buckets as (
    -- every follower bucket with its place, smallest audience first (generated from
    -- dashboard/core/vocabulary.py)
    select * from follower_buckets()
),

in_scope as (
    select
        * replace (case when $split_channel then channel else 'all' end as channel)
    from daily_sums
    where tz = $tz
        and in_days(day, $date_from, $date_to)
        and in_selection(brand, channel, $brands, $channels)
),

sums as (
    select * from summed(in_scope, ['brand', 'channel', 'follower_bucket'])
),

scores as (
    select * from scored(sums, $weights)
),

buckets_in_scope as (
    -- the same local days' sketch (answered conversations with known times)
    select
        brand,
        case when $split_channel then channel else 'all' end as channel,
        follower_bucket,
        bucket_index,
        responses_n
    from sketch_rows(response_time_buckets, response_time_day_buckets, $date_from, $date_to)
    where $with_medians
        and tz = $tz
        and in_selection(brand, channel, $brands, $channels)
),

answered_times as (
    select
        brand,
        channel,
        follower_bucket,
        cont_s[1] as median_first_response_s
    from sketch_quantiles(buckets_in_scope, ['brand', 'channel', 'follower_bucket'], [0.5])
),

groups as (
    select distinct brand, channel from sums
),

grid as (
    select groups.brand, groups.channel, buckets.follower_bucket, buckets.bucket_order
    from groups
    cross join buckets
)

select
    grid.brand,
    grid.channel,
    grid.follower_bucket,
    grid.bucket_order,
    coalesce(scores.conversations_n, 0) as conversations,
    coalesce(scores.answered_n, 0) as answered_n,
    answered_times.median_first_response_s,
    scores.speed as within_target_share,
    -- the sums and scores, from which dashboard/views/intervals.py builds the intervals
    scores.* exclude (brand, channel, follower_bucket, answered_n)
from grid
left join scores
    on grid.brand = scores.brand
    and grid.channel = scores.channel
    and grid.follower_bucket = scores.follower_bucket
left join answered_times
    on scores.brand = answered_times.brand
    and scores.channel = answered_times.channel
    and scores.follower_bucket = answered_times.follower_bucket
order by grid.brand, grid.channel, grid.bucket_order
