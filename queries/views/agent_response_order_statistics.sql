-- name: agent_response_order_statistics
-- purpose: each agent's median first response and the order statistics that bound its
--          95 % interval (docs/METRICS.md "Intervals": dashboard/views/people.py
--          picks the ranks with overview.order_statistic_ranks from the agent's n and
--          asks for them as quantile_disc levels (r - 0.5) / n, the value of rank r);
--          and per brand, the median over every named agent's first responses.
-- grain: brand x agent_id; agent_id null: all named agents of the brand.
-- params:
--   $date_from, $date_to, $tz, $brands, $channels  as in agent_leaderboard
--   $quantiles  the quantile_disc levels wanted (DOUBLE[], at least one); every group
--               gets all of them, in this order, in values_s
-- tables: agent_response_times (queries/model/agent_response_times.sql)

with

agent_response_times as (
    select * from agent_response_times
),

in_scope as (
    select
        brand,
        agent_id,
        first_outbound_s
    from agent_response_times
    where in_local_days(first_inbound_at, $tz, $date_from, $date_to)
        and in_selection(brand, channel, $brands, $channels)
)

select
    brand,
    agent_id,
    count(*) as timed_first_responses,
    quantile_cont(first_outbound_s, 0.5) as median_first_response_s,
    -- the brand rows need no interval: only their median is read
    case when agent_id is not null then quantile_disc(first_outbound_s, $quantiles) end
        as values_s
from in_scope
group by grouping sets ((brand, agent_id), (brand))
order by brand, agent_id nulls first
