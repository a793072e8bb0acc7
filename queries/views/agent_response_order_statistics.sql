-- name: agent_response_order_statistics
-- purpose: chosen order statistics of each agent's first-response times (the bounds
--          of the 95 % interval of their median, docs/METRICS.md "Intervals": the
--          ranks are picked by dashboard/views/overview.order_statistic_ranks).
-- grain: one row per requested (brand, agent_id, rank): the value of that rank among
--        the agent's timed first responses, sorted.
-- params:
--   $date_from, $date_to, $tz, $brands, $channels  as in agent_leaderboard
--   $ranks  a list of structs {brand, agent_id, rank} (rank 1-based)
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
),

ranked as (
    select
        brand,
        agent_id,
        first_outbound_s,
        row_number() over (partition by brand, agent_id order by first_outbound_s) as rank
    from in_scope
),

wanted as (
    select unnest($ranks, recursive := true)
)

select
    wanted.brand,
    wanted.agent_id,
    wanted.rank,
    ranked.first_outbound_s as value_s
from wanted
left join ranked
    on wanted.brand = ranked.brand
    and wanted.agent_id = ranked.agent_id
    and wanted.rank = ranked.rank
order by wanted.brand, wanted.agent_id, wanted.rank
