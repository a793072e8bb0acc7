-- name: agent_response_order_statistics
-- purpose: each agent's median first response and the order statistics that bound its
--          95 % interval (docs/METRICS.md "Intervals": dashboard/views/people.py
--          picks the two ranks with overview.order_statistic_ranks from the agent's n
--          and passes them per agent); and per brand, the median over every named
--          agent's first responses (the sum of its agents' sketches: each conversation
--          has one first outbound agent). All from the agents' response-time sketch,
--          whole months from its month grain and the edge days from its day grain
--          (sketch_rows; sketch_lists, sketch_cont, sketch_rank_value: within the
--          relative accuracy alpha of the exact values, docs/METRICS.md "Percentiles").
-- grain: brand x agent_id; agent_id null: all named agents of the brand.
-- params:
--   $date_from, $date_to, $tz, $brands, $channels  as in agent_leaderboard
--   $ranks  the interval's ranks per agent: a list of {brand, agent_id, low_rank,
--           high_rank} (1-based ranks of the agent's timed first responses; may be
--           empty); an agent not listed gets a null values_s
-- tables: agent_response_time_buckets, agent_response_time_day_buckets (with a tz
--   column)

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
    select * from sketch_lists(in_scope, ['brand', 'agent_id'])
),

wanted as (
    select unnest($ranks::struct(
        brand varchar, agent_id varchar, low_rank bigint, high_rank bigint
    )[], recursive := true)
),

brands as (
    select * from sketch_quantiles(in_scope, ['brand'], [0.5])
)

select
    agents.brand,
    agents.agent_id,
    agents.responses_n as timed_first_responses,
    sketch_cont(agents.ends, agents.bucket_values_s, agents.responses_n, 0.5)
        as median_first_response_s,
    -- the values of the agent's two ranks (each the reported value of its bucket)
    case
        when wanted.low_rank is not null then [
            sketch_rank_value(agents.ends, agents.bucket_values_s, wanted.low_rank),
            sketch_rank_value(agents.ends, agents.bucket_values_s, wanted.high_rank)
        ]
    end as values_s
from agents
left join wanted
    on agents.brand = wanted.brand
    and agents.agent_id = wanted.agent_id
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
