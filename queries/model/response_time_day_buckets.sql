-- name: response_time_day_buckets
-- purpose: the day grain of the response-time sketch of the daily rollup
--          (docs/METRICS.md, "Percentiles"): how many answered conversations' first
--          responses fall in each log-spaced bucket, per local day, brand, entry
--          channel and follower bucket. A selection reads only its edge days here (the
--          days of the months it does not cover whole: sketch_rows in
--          queries/_macros.sql); its whole months come from response_time_buckets,
--          the same counts summed per local month. Summing the counts of any set of
--          rows gives that set's sketch, from which sketch_quantiles reads a median, a
--          90th percentile or an order statistic within the relative accuracy alpha of
--          the exact value. Stored per month beside the daily sums
--          (dashboard/data/rollup/daily.py) and read as a view over those files, not
--          loaded into memory (at day grain it has almost one row per answered
--          conversation; sql.FILE_TABLES), with a `tz` column.
-- grain: local day x brand x channel x follower_bucket x bucket_index.
-- params:
--   $tz  the time zone whose calendar days the conversations are assigned to (by their
--        first inbound message, as in daily_sums)
-- tables: conversations (first_response_s: known times only), percentile_sketch
--   (gamma = (1 + alpha) / (1 - alpha), from [percentiles] relative_accuracy)
-- columns: bucket_index k holds the first responses x with gamma^(k-1) < x <= gamma^k,
--   k = ceil(ln(x) / ln(gamma)) (DDSketch's logarithmic mapping); null is the zero
--   bucket (x = 0: a reply within the same instant; a first response is never
--   before the first inbound message). responses_n counts them (additive).
-- note: plain, portable SQL (ln, ceil, case, group by): the Spark engine translates it.

with

conversations as (
    select * from conversations
),

sketch as (
    select gamma from percentile_sketch
),

timed as (
    -- answered conversations whose first response time is known
    select
        timezone($tz, conversations.first_inbound_at)::date as day,
        conversations.brand,
        conversations.channel,
        conversations.follower_bucket,
        sketch_bucket_index(conversations.first_response_s, sketch.gamma) as bucket_index
    from conversations
    cross join sketch
    where conversations.first_response_s is not null
)

select
    day,
    brand,
    channel,
    follower_bucket,
    bucket_index,
    cast(count(*) as bigint) as responses_n
from timed
group by day, brand, channel, follower_bucket, bucket_index
