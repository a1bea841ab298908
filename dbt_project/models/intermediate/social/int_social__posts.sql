{#- Every platform's posts, own and competitors', in one column contract with a
    platform column (Fivetran social_media_reporting style): the latest metrics of
    each post. A metric a platform or an account type does not report is NULL, not 0.
    Posts from exports (stg_files__posts) join the platform's posts when the API does
    not have them: for a post both know (same platform and post id) the API's row
    wins. An export's counts are mapped onto the platform's columns as the API's are
    (Facebook likes are reactions; on X comments, shares and saves are replies,
    reposts and bookmarks); an export has no X quotes, so an exported tweet's E7 is
    NULL (not reported), as its other unreported counters are. -#}
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

exported_posts as (

    select * from {{ ref('stg_files__posts') }}

),

api_posts as (

    select *, 'api' as source from instagram
    union all by name
    select *, 'api' as source from facebook
    union all by name
    select *, 'api' as source from x

),

exported_only as (

    select
        exported_posts.platform,
        exported_posts.post_id,
        exported_posts.account_id,
        exported_posts.is_own,
        exported_posts.post_type,
        exported_posts.post_text,
        exported_posts.permalink,
        exported_posts.published_at_utc,
        exported_posts.likes,
        exported_posts.comments,
        exported_posts.shares,
        exported_posts.saves,
        case when exported_posts.platform = 'facebook' then exported_posts.likes end as reactions,
        case when exported_posts.platform = 'x' then exported_posts.comments end as replies,
        case when exported_posts.platform = 'x' then exported_posts.shares end as reposts,
        cast(null as bigint) as quotes,
        case when exported_posts.platform = 'x' then exported_posts.saves end as bookmarks,
        exported_posts.reach,
        exported_posts.impressions,
        exported_posts.views,
        exported_posts.link_clicks,
        exported_posts.extracted_at as metrics_extracted_at,
        exported_posts.metrics_counted_at_utc,
        'export' as source,
    from exported_posts
    anti join api_posts
        on api_posts.platform = exported_posts.platform
        and api_posts.post_id = exported_posts.post_id

),

exported_conformed as (

    select
        *,
        {{ social_interaction_columns() }},
    from exported_only

),

unioned as (

    select *, timezone('UTC', metrics_extracted_at) as metrics_counted_at_utc from api_posts
    union all by name
    select * from exported_conformed

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
        -- When the counts were read: the API's fetch, or the export's counted_at.
        metrics_counted_at_utc,
        -- api, or export (a post only an export has).
        source,
    from unioned

)

select * from final
