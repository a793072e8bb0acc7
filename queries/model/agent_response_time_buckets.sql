-- name: agent_response_time_buckets
-- purpose: the month grain of the agents' response-time sketch (docs/METRICS.md,
--          "Percentiles"): agent_response_time_day_buckets summed per local month, so
--          an agent's median and its 95 % interval over a selection's whole months
--          (and the brand's median over all its agents, the sum over them) read one
--          row per occupied bucket and month (sketch_rows in queries/_macros.sql).
--          Stored per month beside the daily sums (dashboard/data/rollup/daily.py) and
--          read as a view over those files (sql.FILE_TABLES), with a `tz` column.
-- grain: local month (month_start, its first day) x brand x channel x agent_id x
--        bucket_index.
-- params:
--   $tz  the time zone whose calendar days (and months) the conversations are assigned to
-- tables: conversations (first_outbound_agent, first_outbound_s), percentile_sketch
-- columns: bucket_index and responses_n as in response_time_day_buckets.
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
        date_trunc('month', timezone($tz, conversations.first_inbound_at)::date)::date
            as month_start,
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
    month_start,
    brand,
    channel,
    agent_id,
    bucket_index,
    cast(count(*) as bigint) as responses_n
from signed
group by month_start, brand, channel, agent_id, bucket_index
