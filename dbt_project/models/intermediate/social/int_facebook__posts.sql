{#- The brand's and tracked competitors' Facebook Page posts in the social post contract
    (see int_social__posts). Graph's reactions summary counts every reaction type, so
    likes = reactions (E6/E10 treat a reaction as a like). Post insights (reach,
    impressions, clicks) are not extracted: those columns are NULL. -#}
with

posts as (

    select * from {{ ref('stg_facebook__posts') }}

),

competitor_posts as (

    select * from {{ ref('stg_facebook__competitor_posts') }}

),

unioned as (

    select *, true as is_own from posts
    union all by name
    select *, false as is_own from competitor_posts

),

renamed as (

    select
        'facebook' as platform,
        post_id,
        page_id as account_id,
        is_own,
        'post' as post_type,
        message as post_text,
        permalink_url as permalink,
        created_at_utc as published_at_utc,
        created_at_local as published_at_local,
        reaction_count as likes,
        comment_count as comments,
        share_count as shares,
        -- Facebook has no saves metric on posts.
        cast(null as bigint) as saves,
        reaction_count as reactions,
        cast(null as bigint) as replies,
        cast(null as bigint) as reposts,
        cast(null as bigint) as quotes,
        cast(null as bigint) as bookmarks,
        cast(null as bigint) as reach,
        cast(null as bigint) as impressions,
        cast(null as bigint) as views,
        cast(null as bigint) as link_clicks,
        extracted_at as metrics_extracted_at,
    from unioned

),

final as (

    select
        * exclude (metrics_extracted_at),
        -- E7 on Facebook: reactions + comments + shares.
        {{ social_interactions('facebook') }} as interactions,
        {{ social_public_interactions('facebook') }} as public_interactions,
        metrics_extracted_at,
    from renamed

)

select * from final
