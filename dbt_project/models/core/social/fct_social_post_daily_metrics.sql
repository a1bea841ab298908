{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='snapshot_date',
    )
}}
{#- Post x snapshot date (local): each post's counters at the latest fetch of the day.
    Incremental: a night adds its snapshot day (and re-reads the lookback days); a
    snapshot never changes once taken, so a full refresh gives the same rows. -#}
with

snapshots as (

    select * from {{ ref('int_social__post_metric_snapshots') }}
    where {{ incremental_window('snapshot_date') }}

),

final as (

    select
        post_snapshot_id,
        post_key,
        platform,
        post_id,
        account_key,
        account_id,
        is_own,
        published_date,
        snapshot_date,
        snapshot_at_utc,
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
    from snapshots

)

select * from final
