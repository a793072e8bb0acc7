-- name: daily_sums
-- purpose: the daily rollup: additive sums and counts per local day, brand, entry
--          channel, follower bucket and switched/single channel, from which every
--          page's index, components, intervals, KPIs and n are built (sums of sums
--          are exact). Stored per month under <data dir>/rollups/daily/
--          (dashboard/data/rollup/daily.py) and loaded at connect as the `daily_sums`
--          table, with a `tz` column.
-- columns: the keys, then one additive column per count (ending in _n; conversations_n
--   is the number of conversations) or sum (ending in _sum); the view queries add
--   them up with the summed() macro of queries/_macros.sql, which finds every one.
--   Each index component is a ratio of two sums, its y (e.g. within_target_n) over
--   its d (e.g. timed_n); the cov_<i>_<k>_<yy|yd|dy|dd>_sum columns (generated macro
--   with_index_products) are the sums of the products of two components' per-
--   conversation terms, from which scored() gets the index's 95 % interval exactly.
-- grain: local day x brand x channel x follower_bucket x switched_channel.
-- params:
--   $tz  the time zone whose calendar days the conversations are assigned to (by
--        their first inbound message), e.g. 'UTC', 'Europe/Paris'
-- tables: conversations (one row per conversation, with the current config's targets
--         and the data's as-of time applied)
-- macros: with_index_products (generated, queries/_macros.sql header).

with

conversations as (
    select * from conversations
),

component_terms as (
    -- each component's per-conversation term y and, where not every conversation
    -- counts, its denominator d (docs/METRICS.md, "Intervals")
    select
        *,
        coalesce(within_target, false)::double as speed_y,
        (within_target is not null)::double as speed_d,
        resolved::double as resolution_y,
        effortless::double as effort_y,
        coalesce(mood_sentiment, 0)::double as mood_y,
        (mood_sentiment is not null)::double as mood_d,
        coalesce(csat >= 4, false)::double as satisfaction_y,
        (csat is not null)::double as satisfaction_d
    from conversations
),

with_products as (
    select * from with_index_products(component_terms)
)

select
    timezone($tz, first_inbound_at)::date as day,
    brand,
    channel,
    follower_bucket,
    switched_channel,
    count(*)::bigint as conversations_n,
    count(*) filter (where answered)::bigint as answered_n,
    count(*) filter (where dropped)::bigint as dropped_n,
    count(within_target)::bigint as timed_n,
    count(*) filter (where within_target)::bigint as within_target_n,
    count(*) filter (where resolved)::bigint as resolved_n,
    count(*) filter (where resolved_is_proxy)::bigint as resolved_proxy_n,
    count(*) filter (where marked_resolved)::bigint as marked_resolved_n,
    count(*) filter (where reopened)::bigint as reopened_n,
    count(*) filter (where effortless)::bigint as effortless_n,
    sum(mood_sentiment)::double as mood_sentiment_sum,
    sum(mood_sentiment * mood_sentiment)::double as mood_sentiment_sq_sum,
    count(mood_sentiment)::bigint as mood_sentiment_n,
    count(csat)::bigint as rated_n,
    sum(satisfaction_y)::bigint as satisfied_n,
    count(first_response_s)::bigint as first_response_n,
    sum(first_response_s)::double as first_response_s_sum,
    sum(first_response_s * first_response_s)::double as first_response_s_sq_sum,
    count(nps)::bigint as nps_n,
    count(*) filter (where nps >= 9)::bigint as promoters_n,
    count(*) filter (where nps <= 6)::bigint as detractors_n,
    count(sentiment_lift)::bigint as sentiment_lift_n,
    sum(sentiment_lift)::double as sentiment_lift_sum,
    sum(sentiment_lift * sentiment_lift)::double as sentiment_lift_sq_sum,
    sum(columns('^cov_'))::double
from with_products
group by all
