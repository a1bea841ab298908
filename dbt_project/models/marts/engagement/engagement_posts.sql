{#- Engagement per post, one row per platform x post, the brand's and tracked
    competitors' (is_own tells them apart): E6 counters and E7 interactions at the
    latest snapshot, E9 engagement rate by reach (impressions on X), E8 for the single
    post (interactions / followers at the start of its publication day), E11 like
    growth between the post's last two daily snapshots, and V5 click-through rate.
    A counter the platform does not report is NULL, not 0. -#}
with

posts as (

    select * from {{ ref('fct_social_posts') }}

),

accounts as (

    select * from {{ ref('dim_social_accounts') }}

),

account_days as (

    select account_key, account_date, followers from {{ ref('fct_social_account_days') }}

),

snapshots as (

    select post_key, snapshot_date, likes from {{ ref('fct_social_post_daily_metrics') }}

),

last_two_snapshots as (

    select
        post_key,
        max(snapshot_date) filter (where snapshot_rank = 1) as latest_snapshot_date,
        max(likes) filter (where snapshot_rank = 1) as likes_at_latest_snapshot,
        max(snapshot_date) filter (where snapshot_rank = 2) as previous_snapshot_date,
        max(likes) filter (where snapshot_rank = 2) as likes_at_previous_snapshot,
        count(*) as snapshot_count,
    from (
        select
            *,
            row_number() over (partition by post_key order by snapshot_date desc) as snapshot_rank,
        from snapshots
    )
    group by post_key

),

final as (

    select
        posts.post_key,
        posts.platform,
        posts.post_id,
        posts.account_key,
        accounts.username,
        posts.is_own,
        coalesce(accounts.is_tracked_competitor, false) as is_tracked_competitor,
        posts.post_type,
        posts.permalink,
        posts.published_at_utc,
        posts.published_at_local,
        posts.published_date,
        posts.likes,
        posts.comments,
        posts.shares,
        posts.saves,
        posts.reactions,
        posts.replies,
        posts.reposts,
        posts.quotes,
        posts.bookmarks,
        posts.interactions,
        posts.public_interactions,
        posts.reach,
        posts.impressions,
        posts.views,
        {{ safe_ratio(
            'posts.interactions',
            "case when posts.platform = 'x' then posts.impressions else posts.reach end"
        ) }} as engagement_rate_by_reach,
        day_start.followers as followers_at_day_start,
        {{ safe_ratio('posts.interactions', 'day_start.followers') }} as engagement_rate_by_followers,
        snaps.snapshot_count,
        snaps.latest_snapshot_date,
        snaps.previous_snapshot_date,
        snaps.likes_at_latest_snapshot - snaps.likes_at_previous_snapshot as like_growth,
        posts.link_clicks,
        {{ safe_ratio('posts.link_clicks', 'posts.impressions') }} as click_through_rate,
        posts.metrics_extracted_at,
    from posts
    left join accounts on accounts.account_key = posts.account_key
    left join account_days as day_start
        on day_start.account_key = posts.account_key
        and day_start.account_date = posts.published_date - 1
    left join last_two_snapshots as snaps on snaps.post_key = posts.post_key

)

select * from final
