-- name: agent_response_order_statistics
-- purpose: each agent's median first response and the order statistics that bound its
--          95 % interval (docs/METRICS.md "Intervals": dashboard/views/people.py
--          picks the ranks with overview.order_statistic_ranks from the agent's n and
--          asks for them as quantile_disc levels (r - 0.5) / n, the value of rank r);
--          and per brand, the median over every named agent's first responses (the
--          sum of its agents' sketches: each conversation has one first outbound
--          agent). All from the agents' response-time sketch (sketch_quantiles: within
--          the relative accuracy alpha of the exact values, docs/METRICS.md
--          "Percentiles").
-- grain: brand x agent_id; agent_id null: all named agents of the brand.
-- params:
--   $date_from, $date_to, $tz, $brands, $channels  as in agent_leaderboard
--   $quantiles  the quantile_disc levels wanted (DOUBLE[], at least one); every agent
--               gets all of them, in this order, in values_s
-- tables: agent_response_time_buckets (queries/model/agent_response_time_buckets.sql,
--   with a tz column)

with

agent_response_time_buckets as (
    select * from agent_response_time_buckets
),

agent_response_time_day_buckets as (
    select * from agent_response_time_day_buckets
),

in_scope as (
    select
        brand,
        agent_id,
        bucket_index,
        responses_n
    from sketch_rows(
        agent_response_time_buckets, agent_response_time_day_buckets, $date_from, $date_to
    )
    where tz = $tz
        and in_selection(brand, channel, $brands, $channels)
),

agents as (
    -- the median (quantile_cont 0.5) first, then the levels asked for
    select * from sketch_quantiles(in_scope, ['brand', 'agent_id'], list_prepend(0.5, $quantiles))
),

brands as (
    select * from sketch_quantiles(in_scope, ['brand'], [0.5])
)

select
    brand,
    agent_id,
    responses_n as timed_first_responses,
    cont_s[1] as median_first_response_s,
    disc_s[2:] as values_s
from agents
union all
select
    brand,
    null::varchar as agent_id,
    responses_n as timed_first_responses,
    cont_s[1] as median_first_response_s,
    -- the brand rows need no interval: only their median is read
    null::double[] as values_s
from brands
order by brand, agent_id nulls first
