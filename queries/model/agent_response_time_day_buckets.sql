-- name: agent_response_time_day_buckets
-- purpose: the day grain of the agents' response-time sketch (docs/METRICS.md,
--          "Percentiles"): how many first outbound messages signed by each named agent
--          fall in each log-spaced bucket of their delay, per local day, brand, entry
--          channel and agent. A selection reads only its edge days here (sketch_rows
--          in queries/_macros.sql); its whole months come from
--          agent_response_time_buckets. Stored per month beside the daily sums
--          (dashboard/data/rollup/daily.py) and read as a view over those files, with
--          a `tz` column (sql.FILE_TABLES).
-- grain: local day x brand x channel x agent_id x bucket_index; conversations whose
--        first outbound message after the first inbound one is signed and timed.
-- params:
--   $tz  the time zone whose calendar days the conversations are assigned to
-- tables: conversations (first_outbound_agent, first_outbound_s), percentile_sketch
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

signed as (
    select
        timezone($tz, conversations.first_inbound_at)::date as day,
        conversations.brand,
        conversations.channel,
        conversations.first_outbound_agent as agent_id,
        sketch_bucket_index(conversations.first_outbound_s, sketch.gamma) as bucket_index
    from conversations
    cross join sketch
    where conversations.first_outbound_agent is not null
        and conversations.first_outbound_s is not null
)

select
    day,
    brand,
    channel,
    agent_id,
    bucket_index,
    cast(count(*) as bigint) as responses_n
from signed
group by day, brand, channel, agent_id, bucket_index
