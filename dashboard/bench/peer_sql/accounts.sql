-- Per brand account (brand x channel), from the raw logs (peer_duckdb.py): mean
-- followers, posts, engagements, the conversations entering there and the engagement
-- rate over the selection.
-- Grain: one row per brand and channel with audience rows.
-- Params:
--   $files             the raw interactions' Parquet glob
--   $tz                the time zone of the local days
--   $stayed            true under the stayed_resolved rule
--   $default_target_s  the target of a channel without its own
--   $weights           the index weights (struct: mood, speed, resolution, effort,
--                      satisfaction)
--   $date_from, $date_to  the local days of the selection (inclusive)
--   $audience_files    the raw audience's Parquet glob

with

conversations as (
    from peer_conversations($files, $tz, $stayed, $default_target_s, $date_from, $date_to)
),

audience as (
    select
        coalesce(b.display, a.brand) as brand,
        a.channel,
        avg(a.followers) as followers,
        sum(a.posts)::bigint as posts,
        sum(a.likes + a.comments + a.shares)::bigint as engagements
    from read_parquet($audience_files, hive_partitioning = false) as a
    left join peer_brands as b on lower(a.brand) = b.source
    where a.date between $date_from and $date_to
    group by all
),

entries as (
    select brand, channel, count(*) as conversations
    from conversations
    group by all
)

select
    audience.*,
    coalesce(entries.conversations, 0) as conversations,
    100 * engagements / posts / followers as engagement_rate_pct
from audience
left join entries using (brand, channel)
