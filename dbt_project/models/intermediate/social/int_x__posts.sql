{#- The brand's and tracked competitors' X posts in the social post contract (see
    int_social__posts): original tweets and quote tweets. Replies are conversation,
    not posts (the brand's replies are response-time data, R1-R4), and plain
    reposts are someone else's content, so both are left out. The conformed E6
    columns map X's metrics: comments = replies, shares = reposts, saves = bookmarks. -#}
with

tweets as (

    select * from {{ ref('stg_x__tweets') }}

),

competitor_tweets as (

    select * from {{ ref('stg_x__competitor_tweets') }}

),

unioned as (

    select *, true as is_own from tweets
    union all by name
    select *, false as is_own from competitor_tweets

),

posts as (

    select *
    from unioned
    where not is_reply
        and referenced_tweet_type is distinct from 'retweeted'

),

renamed as (

    select
        'x' as platform,
        tweet_id as post_id,
        author_id as account_id,
        is_own,
        case when referenced_tweet_type = 'quoted' then 'quote' else 'tweet' end as post_type,
        tweet_text as post_text,
        'https://x.com/i/web/status/' || tweet_id as permalink,
        created_at_utc as published_at_utc,
        created_at_local as published_at_local,
        like_count as likes,
        reply_count as comments,
        retweet_count as shares,
        bookmark_count as saves,
        cast(null as bigint) as reactions,
        reply_count as replies,
        retweet_count as reposts,
        quote_count as quotes,
        bookmark_count as bookmarks,
        cast(null as bigint) as reach,
        impression_count as impressions,
        cast(null as bigint) as views,
        -- url_link_clicks is a non-public metric the extractor does not request.
        cast(null as bigint) as link_clicks,
        extracted_at as metrics_extracted_at,
    from posts

),

final as (

    select
        * exclude (metrics_extracted_at),
        -- E7 on X: likes + replies + reposts + quotes (bookmarks are not in the set).
        {{ social_interactions('x') }} as interactions,
        {{ social_public_interactions('x') }} as public_interactions,
        metrics_extracted_at,
    from renamed

)

select * from final
