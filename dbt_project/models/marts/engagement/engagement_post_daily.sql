{#- A post's like count day by day, one row per platform x post x local snapshot day
    (the latest fetch of each day): E11 like growth = likes at this snapshot - likes
    at the post's previous snapshot, and the same per day elapsed when snapshots are
    more than a day apart (posts are re-fetched only within the extractors' lookback
    window, so later days have no snapshot). -#}
with

snapshots as (

    select * from {{ ref('fct_social_post_daily_metrics') }}

),

accounts as (

    select * from {{ ref('dim_social_accounts') }}

),

ordered as (

    select
        *,
        lag(snapshot_date) over post_history as previous_snapshot_date,
        lag(likes) over post_history as previous_likes,
    from snapshots
    window post_history as (partition by post_key order by snapshot_date)

),

final as (

    select
        ordered.post_snapshot_id,
        ordered.platform,
        ordered.post_key,
        ordered.post_id,
        ordered.account_key,
        accounts.username,
        ordered.is_own,
        ordered.published_date,
        ordered.snapshot_date,
        ordered.snapshot_date - ordered.published_date as post_age_days,
        ordered.likes,
        ordered.interactions,
        ordered.previous_snapshot_date,
        ordered.likes - ordered.previous_likes as like_growth,
        {{ safe_ratio('ordered.likes - ordered.previous_likes', 'ordered.snapshot_date - ordered.previous_snapshot_date') }}
            as like_growth_per_day,
    from ordered
    left join accounts on accounts.account_key = ordered.account_key

)

select * from final
