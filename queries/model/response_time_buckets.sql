-- name: response_time_buckets
-- purpose: the month grain of the response-time sketch of the daily rollup
--          (docs/METRICS.md, "Percentiles"): how many answered conversations' first
--          responses fall in each log-spaced bucket, per local month (the local days
--          of daily_sums, cut in the same time zone), brand, entry channel and
--          follower bucket. The rows of response_time_day_buckets summed per month:
--          a selection's whole months read these (sketch_rows in queries/_macros.sql),
--          far fewer rows than its days (the buckets of a month fill up: a few
--          hundred per group at most), so a median or a 90th percentile over any
--          selection costs what its sums cost. Stored per month beside the daily sums
--          (dashboard/data/rollup/daily.py; a local month near a facts month's edge
--          has rows in both files: the counts add up) and loaded like them, with a
--          `tz` column.
-- grain: local month (month_start, its first day) x brand x channel x follower_bucket
--        x bucket_index.
-- params:
--   $tz  the time zone whose calendar days (and months) the conversations are assigned
--        to, by their first inbound message, as in daily_sums
-- tables: conversations (first_response_s: known times only), percentile_sketch (gamma)
-- columns: bucket_index and responses_n as in response_time_day_buckets (k = ceil(ln(x)
--   / ln(gamma)), null: x = 0).
-- note: plain, portable SQL: the Spark engine translates it.

with

conversations as (
    select * from conversations
),

sketch as (
    select gamma from percentile_sketch
),

timed as (
    select
        date_trunc('month', timezone($tz, conversations.first_inbound_at)::date)::date
            as month_start,
        conversations.brand,
        conversations.channel,
        conversations.follower_bucket,
        sketch_bucket_index(conversations.first_response_s, sketch.gamma) as bucket_index
    from conversations
    cross join sketch
    where conversations.first_response_s is not null
)

select
    month_start,
    brand,
    channel,
    follower_bucket,
    bucket_index,
    cast(count(*) as bigint) as responses_n
from timed
group by month_start, brand, channel, follower_bucket, bucket_index
