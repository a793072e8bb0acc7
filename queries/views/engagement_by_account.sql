-- name: engagement_by_account
-- purpose: the brand side of "engagement versus follower count": per brand
--          account (brand x channel), mean followers, posts, engagements, the
--          engagement rate, and inbound conversations per 1,000 followers, from
--          additive sums. The size curve and the fan-action index are fitted on
--          these rows in Python (dashboard/views/engagement.py).
-- grain: brand x channel, for every account with audience rows in the dates.
--        Every brand is returned (the curve is fitted over all of them);
--        `selected` marks the brands of the selection.
-- params:
--   $date_from, $date_to  first and last day included (DATE); audience rows are
--                         calendar days, conversations are assigned to a day by
--                         their first inbound message in local time ($tz)
--   $tz                   display time zone (e.g. 'UTC', 'Europe/Paris')
--   $brands               brands to mark as selected; an empty list selects all
--   $channels             channels to keep; an empty list keeps all

with

audience as (
    select * from audience
),

daily_sums as (
    select * from daily_sums
),

audience_in_scope as (
    select *
    from audience
    where date >= $date_from::date
        and date <= $date_to::date
        and is_selected(channel, $channels)
),

account_sums as (
    select
        brand,
        channel,
        count(*) as snapshots,
        sum(followers)::bigint as followers_sum,
        sum(posts)::bigint as posts,
        sum(likes)::bigint as likes,
        sum(comments)::bigint as comments,
        sum(shares)::bigint as shares
    from audience_in_scope
    group by brand, channel
),

entry_conversations as (
    -- inbound conversations by entry channel, in the same local days
    select
        brand,
        channel,
        sum(conversations_n)::bigint as conversations_n
    from daily_sums
    where tz = $tz
        and in_days(day, $date_from, $date_to)
        and is_selected(channel, $channels)
    group by brand, channel
),

accounts as (
    select
        account_sums.brand,
        account_sums.channel,
        account_sums.snapshots,
        account_sums.followers_sum,
        -- mean followers over the audience rows of the period
        account_sums.followers_sum / account_sums.snapshots as followers,
        account_sums.posts,
        account_sums.likes + account_sums.comments + account_sums.shares as engagements,
        coalesce(entry_conversations.conversations_n, 0) as conversations_n
    from account_sums
    left join entry_conversations
        on account_sums.brand = entry_conversations.brand
        and account_sums.channel = entry_conversations.channel
)

select
    brand,
    channel,
    is_selected(brand, $brands) as selected,
    snapshots,
    followers_sum,
    followers,
    posts,
    engagements,
    -- engagements per post as a share of the mean audience; undefined without
    -- posts or without followers
    case when posts > 0 and followers > 0
        then 100.0 * engagements / posts / followers
    end as engagement_rate_pct,
    conversations_n as conversations,
    case when followers > 0 then 1000.0 * conversations_n / followers end
        as conversations_per_1k_followers
from accounts
order by channel, brand
