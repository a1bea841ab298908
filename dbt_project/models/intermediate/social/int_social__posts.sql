{#- Every platform's posts, own and competitors', in one column contract with a
    platform column (Fivetran social_media_reporting style): the latest metrics of
    each post. A metric a platform or an account type does not report is NULL, not 0. -#}
with

instagram as (

    select * from {{ ref('int_instagram__posts') }}

),

facebook as (

    select * from {{ ref('int_facebook__posts') }}

),

x as (

    select * from {{ ref('int_x__posts') }}

),

unioned as (

    select * from instagram
    union all by name
    select * from facebook
    union all by name
    select * from x

),

final as (

    select
        platform || ':' || post_id as post_key,
        platform,
        post_id,
        platform || ':' || account_id as account_key,
        account_id,
        is_own,
        post_type,
        post_text,
        permalink,
        published_at_utc,
        {{ to_local('published_at_utc') }} as published_at_local,
        -- The local day, from UTC (17:30 UTC is already the next day in Jakarta).
        cast({{ to_local('published_at_utc') }} as date) as published_date,
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
    from unioned

)

select * from final
