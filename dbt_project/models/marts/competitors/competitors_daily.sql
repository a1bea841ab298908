{#- The brand next to its competitors, one row per platform x account (own and
    competitors') x local day: C1 followers and average likes per post, C2 engagement
    rate by followers, C4 share of voice. C2 counts only the interactions any account
    shows publicly (Instagram: likes + comments, since business_discovery hides other
    accounts' saves and shares; Facebook and X: their full E7 set), for own rows too,
    so rows compare. Share of voice is computed where every tracked account's mentions
    are collected (X) and only on days inside every such account's collected mention
    history (X's mention timelines reach back 800 mentions, so a busy account's
    history starts later). C3 (competitor sentiment) is in the sentiment marts. -#}
with

account_days as (

    select * from {{ ref('fct_social_account_days') }}

),

accounts as (

    select * from {{ ref('dim_social_accounts') }}

),

posts as (

    select * from {{ ref('fct_social_posts') }}

),

posts_by_day as (

    select
        account_key,
        published_date,
        sum(likes) as likes,
        count(likes) as posts_with_likes,
        sum(public_interactions) as public_interactions,
        count(public_interactions) as posts_with_public_interactions,
    from posts
    group by all

),

days as (

    select
        account_days.*,
        accounts.username,
        accounts.account_name,
        accounts.competitor_name,
        accounts.is_tracked_competitor,
        -- Accounts share of voice compares: the brand's and the tracked competitors'.
        account_days.is_own or accounts.is_tracked_competitor as is_in_share_of_voice,
        case when lag(account_days.account_date) over account_history = account_days.account_date - 1
            then lag(account_days.followers) over account_history end as followers_at_day_start,
        coalesce(posts_by_day.likes, 0) as likes,
        coalesce(posts_by_day.posts_with_likes, 0) as posts_with_likes,
        coalesce(posts_by_day.public_interactions, 0) as public_interactions,
        coalesce(posts_by_day.posts_with_public_interactions, 0) as posts_with_public_interactions,
    from account_days
    inner join accounts on accounts.account_key = account_days.account_key
    left join posts_by_day
        on posts_by_day.account_key = account_days.account_key
        and posts_by_day.published_date = account_days.account_date
    window account_history as (partition by account_days.account_key order by account_days.account_date)

),

-- Per account in the comparison: whether its mentions are collected at all, and the
-- first complete day of its collected mentions - the day after its earliest one (that
-- day may be cut by the timeline's reach).
mention_history as (

    select
        account_key,
        platform,
        count(mentions) > 0 as are_mentions_collected,
        min(account_date) filter (where mentions > 0) + 1 as mentions_complete_from,
    from days
    where is_in_share_of_voice
    group by all

),

-- A platform has share of voice when every compared account's mentions are collected,
-- from the latest of their complete-history start days on.
platform_coverage as (

    select
        platform,
        bool_and(are_mentions_collected) as are_all_mentions_collected,
        max(mentions_complete_from) as share_of_voice_from,
    from mention_history
    group by platform

),

platform_days as (

    select
        days.platform,
        days.account_date,
        sum(days.mentions) as mentions_in_share_of_voice,
        coalesce(
            platform_coverage.are_all_mentions_collected
            and days.account_date >= coalesce(platform_coverage.share_of_voice_from, days.account_date),
            false
        ) as is_share_of_voice_complete,
    from days
    inner join platform_coverage on platform_coverage.platform = days.platform
    where days.is_in_share_of_voice
    group by all

),

final as (

    select
        days.account_day_id,
        days.platform,
        days.account_key,
        days.account_id,
        days.username,
        days.account_name,
        days.competitor_name,
        days.is_own,
        days.is_tracked_competitor,
        days.account_date,
        days.followers,
        days.followers_at_day_start,
        days.posts_published as posts,
        days.likes,
        {{ safe_ratio('days.likes', 'days.posts_with_likes') }} as avg_likes_per_post,
        days.public_interactions,
        {{ safe_ratio('days.public_interactions', 'days.posts_with_public_interactions * days.followers_at_day_start') }}
            as engagement_rate_by_followers,
        days.mentions,
        coalesce(platform_days.is_share_of_voice_complete, false) as is_share_of_voice_complete,
        case
            when days.is_in_share_of_voice and platform_days.is_share_of_voice_complete
                then {{ safe_ratio('days.mentions', 'platform_days.mentions_in_share_of_voice') }}
        end as share_of_voice,
    from days
    left join platform_days
        on platform_days.platform = days.platform
        and platform_days.account_date = days.account_date

)

select * from final
