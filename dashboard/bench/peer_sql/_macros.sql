-- The DuckDB peer's macros (dashboard/bench/peer_duckdb.py): the rules of
-- docs/METRICS.md ("Conversations", "The index") written again by hand over the raw
-- log, as a DuckDB dashboard without rollups does. Not the product's queries/_macros.sql
-- on purpose: the peer is what the product is measured against, and
-- tests/test_bench_peers.py checks it gives the product's numbers.
--
-- Tables the connection holds (peer_duckdb.py makes them from the PeerInput):
--   peer_brands(source, display)   [brands]: a source name (lower case) -> display name
--   peer_targets(channel, target_s) the response-time target per channel

-- One row per conversation with an inbound message, from the raw log alone: its local
-- day, entry channel, agents and the terms of the index.
--   p_files             the raw interactions' Parquet glob
--   p_tz                the time zone of the local day
--   p_stayed            true under the stayed_resolved rule (a reopened one is not
--                       resolved)
--   p_default_target_s  the target of a channel peer_targets does not name
--   p_from, p_to        the local days kept (inclusive): a dashboard derives every
--                       conversation, then keeps those of the selection
create or replace macro peer_conversations(
    p_files, p_tz, p_stayed, p_default_target_s, p_from, p_to
) as table
with

raw as (
    select
        r.interaction_id,
        r.conversation_id,
        coalesce(b.display, r.brand) as brand,
        r.channel,
        r.direction,
        r.agent_id,
        r.created_at,
        r.sentiment,
        r.csat,
        r.resolved,
        coalesce(r.time_known, true) as time_known
    from read_parquet(p_files, hive_partitioning = false) as r
    left join peer_brands as b on lower(r.brand) = b.source
),

messages as (
    -- the ordering rule: time, then inbound before the brand's or a peer's message,
    -- then the interaction id
    select
        *,
        row_number() over (
            partition by brand, conversation_id
            order by created_at, direction <> 'inbound', interaction_id
        ) as pos
    from raw
),

inbound as (
    select
        brand,
        conversation_id,
        arg_min(created_at, pos) as first_at,
        arg_min(time_known, pos) as first_tk,
        arg_min(channel, pos) as channel,
        count(*) as inbound_n,
        arg_max(sentiment, pos) as mood  -- the last inbound sentiment there is
    from messages
    where direction = 'inbound'
    group by all
),

whole as (
    select
        brand,
        conversation_id,
        max(created_at) as last_at,
        arg_max(direction, pos) as last_dir,
        arg_max_null(sentiment, pos) as last_sent,
        count(distinct channel) as channels_used,
        count(resolved) as flags,
        coalesce(bool_or(resolved), false) as flagged,
        arg_max(csat, pos) as csat,  -- the last rating given
        max(pos) filter (where resolved) as resolved_pos
    from messages
    group by all
),

reopened as (
    -- the customer's next message after the resolution: not positive, so it came back
    select
        m.brand,
        m.conversation_id,
        coalesce(arg_min_null(m.sentiment, m.pos), 0) < 0.05 as came_back
    from messages as m
    inner join whole as w using (brand, conversation_id)
    where m.direction = 'inbound' and m.pos > w.resolved_pos
    group by all
),

replies as (
    -- the brand's and peers' messages after the opening one
    select m.*, i.channel as entry
    from messages as m
    inner join inbound as i using (brand, conversation_id)
    where
        m.direction <> 'inbound'
        and (m.created_at > i.first_at or (not i.first_tk and m.created_at >= i.first_at))
),

responses as (
    -- a peer's answer counts as a response on the community channel only
    select
        brand,
        conversation_id,
        min(created_at) as resp_at,
        arg_min(time_known, pos) as resp_tk
    from replies
    where direction = 'outbound' or (direction = 'peer' and entry = 'community')
    group by all
),

outbound as (
    select
        brand,
        conversation_id,
        min(created_at) as out_at,
        arg_min(time_known, pos) as out_tk,
        arg_min_null(agent_id, pos) as first_agent
    from replies
    where direction = 'outbound'
    group by all
),

agents as (
    select brand, conversation_id, list(distinct agent_id) as agents
    from messages
    where direction = 'outbound' and agent_id is not null
    group by all
),

as_of as (
    select max(created_at) as as_of from messages
),

joined as (
    select
        i.*,
        w.* exclude (brand, conversation_id),
        r.resp_at,
        r.resp_tk,
        o.out_at,
        o.out_tk,
        o.first_agent,
        c.came_back,
        a.agents,
        coalesce(t.target_s, p_default_target_s) as target_s,
        r.resp_at is not null as answered,
        case
            when i.first_tk and r.resp_tk
                then (epoch_us(r.resp_at) - epoch_us(i.first_at)) / 1e6
        end as first_response_s,
        case
            when i.first_tk and o.out_tk
                then (epoch_us(o.out_at) - epoch_us(i.first_at)) / 1e6
        end as first_outbound_s,
        (epoch_us(as_of.as_of) - epoch_us(w.last_at)) / 1e6 as quiet_s
    from inbound as i
    inner join whole as w using (brand, conversation_id)
    left join responses as r using (brand, conversation_id)
    left join outbound as o using (brand, conversation_id)
    left join reopened as c using (brand, conversation_id)
    left join agents as a using (brand, conversation_id)
    left join peer_targets as t on i.channel = t.channel
    cross join as_of
),

local as (
    select *, timezone(p_tz, first_at)::date as day from joined
)

select
    brand,
    channel,
    agents,
    first_agent,
    first_response_s,
    first_outbound_s,
    answered,
    day,
    channels_used > 1 as switched,
    case
        when not answered then false
        when first_response_s is not null then first_response_s <= target_s
    end as within,
    case
        when flags > 0 then flagged and not (p_stayed and coalesce(came_back, false))
        -- no flag: answered and not dropped ("don't disappear after I say yes")
        else answered and not (
            last_dir = 'inbound' and coalesce(last_sent, 0) < 0.05 and quiet_s > target_s
        )
    end as resolved,
    inbound_n <= 2 and channels_used = 1 as effortless,
    mood,
    csat
from local
where day between p_from and p_to;

-- The index's sums over a group of peer_conversations rows, as one struct.
create or replace macro peer_sums(answered, mood, within, resolved, effortless, csat) as
struct_pack(
    conversations := count(*),
    answered_n := count_if(answered),
    mood_sum := sum(mood),
    mood_n := count(mood),
    within_n := count_if(within),
    timed_n := count(within),
    resolved_n := count_if(resolved),
    effortless_n := count_if(effortless),
    satisfied_n := count_if(csat >= 4),
    rated_n := count(csat)
);

-- k of n as a percentage; null when n is 0.
create or replace macro peer_share(k, n) as case when n > 0 then 100 * k / n end;

-- The components (0-100) of peer_sums `s`; each null without data.
create or replace macro peer_components(s) as struct_pack(
    mood := case when s.mood_n > 0 then 50 * (1 + s.mood_sum / s.mood_n) end,
    speed := peer_share(s.within_n, s.timed_n),
    resolution := peer_share(s.resolved_n, s.conversations),
    effort := peer_share(s.effortless_n, s.conversations),
    satisfaction := peer_share(s.satisfied_n, s.rated_n)
);

-- The index (0-100) of components `c`: the weighted mean of those that have data, `w`
-- the weights (a struct of mood, speed, resolution, effort, satisfaction).
create or replace macro peer_weighted(c, w) as (
    coalesce(c.mood, 0) * w.mood
    + coalesce(c.speed, 0) * w.speed
    + coalesce(c.resolution, 0) * w.resolution
    + coalesce(c.effort, 0) * w.effort
    + coalesce(c.satisfaction, 0) * w.satisfaction
) / nullif(
    (c.mood is not null)::int * w.mood
    + (c.speed is not null)::int * w.speed
    + (c.resolution is not null)::int * w.resolution
    + (c.effort is not null)::int * w.effort
    + (c.satisfaction is not null)::int * w.satisfaction,
    0
);

-- The index of peer_sums `s` under weights `w`.
create or replace macro peer_index(s, w) as peer_weighted(peer_components(s), w);
