-- name: happiness_drilldown_conversations
-- purpose: the conversations behind one point of the happiness chart (one period
--          x brand x channel of happiness_by_period), newest first, with their
--          per-conversation metrics; private mode only (no text here, ids only).
-- grain: brand x conversation_id, at most $limit rows; total_n repeats the full count.
-- params:
--   $date_from, $date_to  first and last local day of the selection (DATE)
--   $tz                   display time zone that assigns days
--   $brands, $channels    the selection's lists; an empty list keeps all
--   $grain                'day' | 'week' | 'month' | 'all', as in happiness_by_period
--   $period_start         the point's period_start (DATE)
--   $brand, $channel      the point's brand and entry channel; null matches any
--   $limit                maximum number of rows returned

with

conversations as (
    select * from conversations
),

in_scope as (
    -- exactly the rules of happiness_by_period, so the list adds up to the point's n
    select
        *,
        timezone($tz, first_inbound_at) as local_start
    from conversations
    where in_selection(brand, channel, $brands, $channels)
        and ($brand is null or brand = $brand)
        and ($channel is null or channel = $channel)
        -- the same local days as an instant range: only these rows are converted
        and in_local_days(first_inbound_at, $tz, $date_from, $date_to)
),

in_point as (
    select * from in_scope
    where local_start >= $date_from::timestamp
        and local_start < ($date_to::date + 1)::timestamp
        and period_start(local_start, $grain, $date_from::date) = $period_start::date
),

counted as (
    select
        *,
        count(*) over () as total_n
    from in_point
)

select
    brand,
    conversation_id,
    channel,
    local_start as first_inbound_local,
    first_response_s,
    answered,
    within_target,
    dropped,
    resolved,
    resolved_is_proxy,
    effortless,
    mood_sentiment,
    csat,
    inbound_messages,
    messages,
    total_n
from counted
order by first_inbound_at desc, brand, conversation_id
limit $limit
