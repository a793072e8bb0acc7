-- name: display_audience
-- purpose: the `audience` the reading connection shows when chi.toml names brands
--          ([brands]): every row under its brand's display name. A display brand x
--          channel fed by several source accounts (two handles given one name) is one
--          account: per account and day, followers is the day's largest count (as the
--          facebook-posts importer does for per-post rows) and the other counts are
--          summed; then followers and counts are summed over the accounts with a row
--          that day. reach and impressions are summed too, and null when a summed row
--          lacks them (never a partial sum). Other accounts keep their rows as stored.
-- grain: as the stored audience (brand account x day, or per post) for an account
--        with one source name; display brand x channel x day for a merged account.
-- params: none.
-- tables: source_audience (the raw audience Parquet, with source brand names)
-- macros: display_brand(brand), created by the reading connection from [brands]
--   (dashboard/data/raw.py); the stored data and rollups never use it.

with

source_audience as (
    select * from source_audience
),

named as (
    select
        *,
        display_brand(brand) as display_name
    from source_audience
),

merged_accounts as (
    -- display brand x channel with more than one source account
    select
        display_name,
        channel
    from named
    group by display_name, channel
    having count(distinct brand) > 1
),

single_account_rows as (
    select
        display_name as brand,
        channel,
        date,
        followers,
        posts,
        likes,
        comments,
        shares,
        reach,
        impressions
    from named
    anti join merged_accounts using (display_name, channel)
),

account_days as (
    select
        display_name,
        brand as source_brand,
        channel,
        date,
        max(followers) as followers,
        sum(posts) as posts,
        sum(likes) as likes,
        sum(comments) as comments,
        sum(shares) as shares,
        case when count(reach) = count(*) then sum(reach) end as reach,
        case when count(impressions) = count(*) then sum(impressions) end as impressions
    from named
    semi join merged_accounts using (display_name, channel)
    group by display_name, source_brand, channel, date
),

merged_account_days as (
    select
        display_name as brand,
        channel,
        date,
        sum(followers)::bigint as followers,
        sum(posts)::bigint as posts,
        sum(likes)::bigint as likes,
        sum(comments)::bigint as comments,
        sum(shares)::bigint as shares,
        (case when count(reach) = count(*) then sum(reach) end)::bigint as reach,
        (case when count(impressions) = count(*) then sum(impressions) end)::bigint
            as impressions
    from account_days
    group by display_name, channel, date
)

select * from single_account_rows
union all by name
select * from merged_account_days
