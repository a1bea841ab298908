{#- Social engagement of the brand's own accounts, one row per platform x account x
    local day (METRICS.md E1-E5, E6-E8 and E10-E11 per day of publication, E9, E12-E14).
    Post counters (likes, interactions...) are each post's latest snapshot, credited to
    the local day the post was published; E8's period is that day: interactions on the
    posts published that day / those posts / followers at the start of the day (the end
    of the day before). A metric the platform does not report is NULL, not 0. -#}
with

account_days as (

    select * from {{ ref('fct_social_account_days') }}
    where is_own

),

accounts as (

    select * from {{ ref('dim_social_accounts') }}

),

posts as (

    select
        *,
        -- E9's base: reach on Instagram and Facebook, impressions on X.
        case when platform = 'x' then impressions else reach end as reach_base,
    from {{ ref('fct_social_posts') }}
    where is_own

),

-- Which counters each account reports at all, so a day without posts shows 0 for
-- those and NULL for the rest.
reported as (

    select
        account_key,
        bool_or(likes is not null) as has_likes,
        bool_or(comments is not null) as has_comments,
        bool_or(shares is not null) as has_shares,
        bool_or(saves is not null) as has_saves,
        bool_or(quotes is not null) as has_quotes,
        bool_or(interactions is not null) as has_interactions,
    from posts
    group by account_key

),

posts_by_day as (

    select
        account_key,
        published_date,
        sum(likes) as likes,
        sum(comments) as comments,
        sum(shares) as shares,
        sum(saves) as saves,
        sum(quotes) as quotes,
        sum(interactions) as interactions,
        count(interactions) as posts_with_interactions,
        sum(interactions) filter (where reach_base is not null) as interactions_with_reach,
        sum(reach_base) filter (where interactions is not null) as reach,
    from posts
    group by all

),

days as (

    select
        account_days.*,
        lag(account_days.account_date) over account_history as previous_date,
        lag(account_days.followers) over account_history as previous_followers,
        case when reported.has_likes then coalesce(posts_by_day.likes, 0) end as likes,
        case when reported.has_comments then coalesce(posts_by_day.comments, 0) end as comments,
        case when reported.has_shares then coalesce(posts_by_day.shares, 0) end as shares,
        case when reported.has_saves then coalesce(posts_by_day.saves, 0) end as saves,
        case when reported.has_quotes then coalesce(posts_by_day.quotes, 0) end as quotes,
        case when reported.has_interactions then coalesce(posts_by_day.interactions, 0) end as interactions,
        coalesce(posts_by_day.posts_with_interactions, 0) as posts_with_interactions,
        posts_by_day.interactions_with_reach,
        posts_by_day.reach,
    from account_days
    left join reported on reported.account_key = account_days.account_key
    left join posts_by_day
        on posts_by_day.account_key = account_days.account_key
        and posts_by_day.published_date = account_days.account_date
    window account_history as (partition by account_days.account_key order by account_days.account_date)

),

with_averages as (

    select
        *,
        {{ safe_ratio('likes', 'posts_published') }} as avg_likes_per_post,
    from days

),

metrics as (

    select
        *,
        -- The day before must be the previous calendar day, not just the previous row.
        case when previous_date = account_date - 1 then previous_followers end as followers_at_day_start,
        case when previous_date = account_date - 1
            then lag(avg_likes_per_post) over (partition by account_key order by account_date)
        end as previous_avg_likes_per_post,
    from with_averages

),

final as (

    select
        metrics.account_day_id,
        metrics.platform,
        metrics.account_key,
        metrics.account_id,
        accounts.username,
        metrics.account_date,
        metrics.followers,
        metrics.followers_source,
        metrics.followers_at_day_start,
        metrics.followers - metrics.followers_at_day_start as follower_growth,
        {{ safe_ratio('metrics.followers - metrics.followers_at_day_start', 'metrics.followers_at_day_start') }}
            as follower_growth_rate,
        metrics.new_follows,
        metrics.unfollows,
        {{ safe_ratio('metrics.unfollows', 'metrics.followers_at_day_start') }} as unfollow_rate,
        metrics.posts_published as posts,
        metrics.likes,
        metrics.comments,
        metrics.shares,
        metrics.saves,
        metrics.quotes,
        metrics.interactions,
        {{ safe_ratio('metrics.interactions', 'metrics.posts_with_interactions * metrics.followers_at_day_start') }}
            as engagement_rate_by_followers,
        metrics.reach as reach_or_impressions,
        {{ safe_ratio('metrics.interactions_with_reach', 'metrics.reach') }} as engagement_rate_by_reach,
        metrics.avg_likes_per_post,
        metrics.avg_likes_per_post - metrics.previous_avg_likes_per_post as avg_likes_per_post_change,
        {{ safe_ratio(
            'metrics.avg_likes_per_post - metrics.previous_avg_likes_per_post',
            'metrics.previous_avg_likes_per_post'
        ) }} as avg_likes_per_post_change_rate,
        metrics.mentions,
        metrics.shares + coalesce(metrics.quotes, 0) + metrics.mentions as influence,
        metrics.comments_received,
        metrics.participants,
        {{ safe_ratio('metrics.participants', 'metrics.followers_at_day_start') }} as participation_rate,
    from metrics
    left join accounts on accounts.account_key = metrics.account_key

)

select * from final
