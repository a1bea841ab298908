{#- One row per post (own and competitors', every platform) with its latest counters
    (E6, E7, E9, V5 inputs). A table, not incremental: a post's counters keep changing
    after publication (late likes), so old rows must be restated; the day-by-day
    history is fct_social_post_daily_metrics. Posts only an export has are here too
    (source 'export'); for a post both know, the API's row wins. -#}
with

posts as (

    select * from {{ ref('int_social__posts') }}

),

final as (

    select
        post_key,
        platform,
        post_id,
        account_key,
        account_id,
        is_own,
        post_type,
        post_text,
        permalink,
        published_at_utc,
        published_at_local,
        published_date,
        likes,
        comments,
        shares,
        saves,
        reactions,
        replies,
        reposts,
        quotes,
        bookmarks,
        reach,
        impressions,
        views,
        link_clicks,
        interactions,
        public_interactions,
        metrics_extracted_at,
        metrics_counted_at_utc,
        source,
    from posts

)

select * from final
