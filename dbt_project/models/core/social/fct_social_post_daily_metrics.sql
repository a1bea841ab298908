-- depends_on: {{ ref('stg_files__posts') }}
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='snapshot_date',
    )
}}
{#- Post x snapshot date (local): each post's counters at the latest fetch of the day.
    Incremental: a night adds its snapshot day (and re-reads the lookback days); a
    snapshot never changes once taken, so a full refresh gives the same rows. An
    imported export is new data of old days: the days its posts were counted on are
    re-read too, however old. -#}
with

snapshots as (

    select * from {{ ref('int_social__post_metric_snapshots') }}
    where {{ incremental_window('snapshot_date') }}
    {% if is_incremental() %}
        or snapshot_date in (
            select cast({{ to_local('metrics_counted_at_utc') }} as date)
            from {{ ref('stg_files__posts') }}
            where timezone('UTC', extracted_at)
                > (select coalesce(max(imported_at_utc), '1900-01-01'::timestamp) from {{ this }})
        )
    {% endif %}

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
        source,
        imported_at_utc,
    from snapshots

)

select * from final
