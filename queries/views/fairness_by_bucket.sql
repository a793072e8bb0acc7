-- name: fairness_by_bucket
-- purpose: the customer side of "engagement versus follower count": per brand
--          and customer follower bucket, n, response rate, median first
--          response, within-target share and the happiness index, from the
--          additive sums of the daily rollup (the median from the conversations). Every bucket is returned for every brand (empty
--          buckets with 0 conversations and null rates).
-- grain: brand x channel ('all' unless $split_channel) x follower_bucket.
-- params:
--   $date_from, $date_to  first and last local day included (DATE)
--   $tz                   display time zone that assigns days
--   $brands, $channels    lists to keep; an empty list keeps all
--   $split_channel        boolean: one group per entry channel instead of 'all'
--   $with_medians         boolean: false leaves median_first_response_s null and skips
--                         reading the response times (the premiums take the medians
--                         from the times they fetch anyway)
--   $w_mood, $w_speed, $w_resolution, $w_effort, $w_satisfaction  index weights

with

daily_sums as (
    select * from daily_sums
),

response_times as (
    select * from response_times
),

buckets as (
    -- the follower buckets of queries/conversations.sql, smallest audience first
    select * from (values
        ('<100', 1), ('100-1k', 2), ('1k-10k', 3), ('10k-100k', 4), ('>=100k', 5),
        ('unknown', 6)
    ) as b(follower_bucket, bucket_order)
),

in_scope as (
    select
        *,
        case when $split_channel then channel else 'all' end as channel_group
    from daily_sums
    where tz = $tz
        and day >= $date_from::date
        and day <= $date_to::date
        and (len($brands) = 0 or list_contains($brands, brand))
        and (len($channels) = 0 or list_contains($channels, channel))
),

day_sums as (
    select
        brand,
        channel_group as channel,
        follower_bucket,
        sum(conversations)::bigint as conversations,
        sum(answered_n)::bigint as answered_n,
        sum(within_target_n)::bigint as within_target_n,
        sum(resolved_n)::bigint as resolved_n,
        sum(effortless_n)::bigint as effortless_n,
        sum(mood_sum)::double as mood_sum,
        sum(mood_n)::bigint as mood_n,
        sum(rated_n)::bigint as rated_n,
        sum(satisfied_n)::bigint as satisfied_n
    from in_scope
    group by all
),

answered_times as (
    -- the median needs the conversations: the same local days as an instant range
    select
        brand,
        case when $split_channel then channel else 'all' end as channel,
        follower_bucket,
        -- over answered conversations (median ignores nulls)
        median(first_response_s) as median_first_response_s
    from response_times
    where $with_medians
        and first_inbound_at >= local_day_start($tz, $date_from)
        and first_inbound_at < local_day_start($tz, $date_to::date + 1)
        and (len($brands) = 0 or list_contains($brands, brand))
        and (len($channels) = 0 or list_contains($channels, channel))
    group by all
),

sums as (
    select
        day_sums.*,
        answered_times.median_first_response_s
    from day_sums
    left join answered_times
        on day_sums.brand = answered_times.brand
        and day_sums.channel = answered_times.channel
        and day_sums.follower_bucket = answered_times.follower_bucket
),

groups as (
    select distinct brand, channel from sums
),

grid as (
    select groups.brand, groups.channel, buckets.follower_bucket, buckets.bucket_order
    from groups
    cross join buckets
),

components as (
    select
        grid.brand,
        grid.channel,
        grid.follower_bucket,
        grid.bucket_order,
        coalesce(sums.conversations, 0) as conversations,
        coalesce(sums.answered_n, 0) as answered_n,
        coalesce(sums.within_target_n, 0) as within_target_n,
        sums.median_first_response_s,
        mood_score(sums.mood_sum, sums.mood_n) as mood,
        share_score(sums.within_target_n, sums.conversations) as speed,
        share_score(sums.resolved_n, sums.conversations) as resolution,
        share_score(sums.effortless_n, sums.conversations) as effort,
        share_score(sums.satisfied_n, sums.rated_n) as satisfaction
    from grid
    left join sums
        on grid.brand = sums.brand
        and grid.channel = sums.channel
        and grid.follower_bucket = sums.follower_bucket
)

select
    brand,
    channel,
    follower_bucket,
    bucket_order,
    conversations,
    answered_n,
    share_score(answered_n, conversations) as response_rate,
    median_first_response_s,
    speed as within_target_share,
    happiness_index(
        mood, speed, resolution, effort, satisfaction,
        $w_mood, $w_speed, $w_resolution, $w_effort, $w_satisfaction
    ) as index
from components
order by brand, channel, bucket_order
