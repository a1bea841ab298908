{#- The brand's and tracked competitors' Instagram media in the social post contract
    (see int_social__posts). Competitors' media come from business_discovery, which
    shows likes and comments only: their saves, shares, reach and views are NULL
    (not reported), so their full interaction set (E7) is NULL and only the public
    set (likes + comments) is known. Meta retired media impressions in 2025 for
    "views", so impressions is NULL and views is kept. -#}
with

media as (

    select * from {{ ref('stg_instagram__media') }}

),

media_insights as (

    select * from {{ ref('stg_instagram__media_insights') }}

),

competitor_media as (

    select * from {{ ref('stg_instagram__competitor_media') }}

),

own_posts as (

    select
        media.media_id as post_id,
        media.account_id,
        true as is_own,
        lower(coalesce(media.media_type, 'unknown')) as post_type,
        media.caption as post_text,
        media.permalink,
        media.published_at_utc,
        media.published_at_local,
        media.like_count as likes,
        media.comments_count as comments,
        media_insights.share_count as shares,
        media_insights.save_count as saves,
        media_insights.reach,
        cast(null as bigint) as impressions,
        media_insights.view_count as views,
        greatest(media.extracted_at, media_insights.extracted_at) as metrics_extracted_at,
    from media
    left join media_insights on media_insights.media_id = media.media_id

),

competitor_posts as (

    select
        media_id as post_id,
        account_id,
        false as is_own,
        lower(coalesce(media_type, 'unknown')) as post_type,
        caption as post_text,
        permalink,
        published_at_utc,
        published_at_local,
        like_count as likes,
        comments_count as comments,
        cast(null as bigint) as shares,
        cast(null as bigint) as saves,
        cast(null as bigint) as reach,
        cast(null as bigint) as impressions,
        cast(null as bigint) as views,
        extracted_at as metrics_extracted_at,
    from competitor_media

),

unioned as (

    select * from own_posts
    union all
    select * from competitor_posts

),

final as (

    select
        'instagram' as platform,
        post_id,
        account_id,
        is_own,
        post_type,
        post_text,
        permalink,
        published_at_utc,
        published_at_local,
        likes,
        comments,
        shares,
        saves,
        cast(null as bigint) as reactions,
        cast(null as bigint) as replies,
        cast(null as bigint) as reposts,
        cast(null as bigint) as quotes,
        cast(null as bigint) as bookmarks,
        reach,
        impressions,
        views,
        -- Instagram's Graph API has no per-media link clicks.
        cast(null as bigint) as link_clicks,
        -- E7 on Instagram: likes + comments + saves + shares (NULL when one is not reported).
        {{ social_interactions('instagram') }} as interactions,
        {{ social_public_interactions('instagram') }} as public_interactions,
        metrics_extracted_at,
    from unioned

)

select * from final
