-- Scalar macros shared by the named queries (created once per connection).
-- They turn additive sums and counts into the 0-100 components and the index,
-- so every group figure (and every rollup) is exact.

-- A share of conversations as 0..100; null for an empty group.
create or replace macro share_score(k, n) as
    case when n > 0 then 100.0 * k / n end;

-- Mood M = 50 x (1 + mean(mood)); null when no conversation has a mood.
create or replace macro mood_score(mood_sum, mood_n) as
    case when mood_n > 0 then 50.0 * (1 + mood_sum / mood_n) end;

-- The Customer Happiness Index: weighted mean of the components that exist.
create or replace macro happiness_index(
    mood, speed, resolution, effort, satisfaction,
    w_mood, w_speed, w_resolution, w_effort, w_satisfaction
) as (
    coalesce(w_mood * mood, 0) + coalesce(w_speed * speed, 0)
    + coalesce(w_resolution * resolution, 0) + coalesce(w_effort * effort, 0)
    + coalesce(w_satisfaction * satisfaction, 0)
) / nullif(
    case when mood is null then 0 else w_mood end
    + case when speed is null then 0 else w_speed end
    + case when resolution is null then 0 else w_resolution end
    + case when effort is null then 0 else w_effort end
    + case when satisfaction is null then 0 else w_satisfaction end,
    0
);

-- The period a local timestamp falls in, for grain day | week | month | all.
create or replace macro period_start(local_ts, grain, all_start) as
    case grain
        when 'day' then date_trunc('day', local_ts)::date
        when 'week' then date_trunc('week', local_ts)::date
        when 'month' then date_trunc('month', local_ts)::date
        else all_start
    end;

-- The instant a local calendar day begins in time zone tz (a TIMESTAMPTZ). Filtering
-- `first_inbound_at >= local_day_start(tz, d)` keeps the same rows as comparing each
-- row's local time with d, without converting every row (constant-folded once).
create or replace macro local_day_start(tz, day) as
    timezone(tz, day::date::timestamp);
