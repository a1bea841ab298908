{#- Every text message from every source, one row each, in one column contract: customer
    comments and replies, X mentions, the brand's replies, and the public comments of
    social-channel tickets. The input of the sentiment scorer (enrichment/message_sentiment)
    and of conversations. message_id is '<platform or source>:<kind>:<source id>'. -#}
with

instagram as (

    select
        'instagram:comment:' || comment_id as message_id,
        'instagram' as platform,
        'instagram' as source,
        case when is_brand_reply then 'brand_reply' when is_reply then 'reply' else 'comment' end as message_kind,
        comment_id as source_message_id,
        parent_comment_id as parent_source_message_id,
        media_id as thread_id,
        author_id,
        username as author_handle,
        is_brand_reply as is_brand,
        comment_text as message_text,
        commented_at_utc as created_at_utc,
        commented_at_local as created_at_local
    from {{ ref('stg_instagram__comments') }}

),

facebook as (

    select
        'facebook:comment:' || comment_id as message_id,
        'facebook' as platform,
        'facebook' as source,
        case when is_brand_reply then 'brand_reply' when is_reply then 'reply' else 'comment' end as message_kind,
        comment_id as source_message_id,
        parent_comment_id as parent_source_message_id,
        post_id as thread_id,
        author_id,
        author_name as author_handle,
        is_brand_reply as is_brand,
        comment_text as message_text,
        commented_at_utc as created_at_utc,
        commented_at_local as created_at_local
    from {{ ref('stg_facebook__comments') }}

),

x_brand_usernames as (

    select user_id, arg_max(username, snapshot_at_utc) as username
    from {{ ref('stg_x__users') }}
    group by user_id

),

x_mentions as (

    select
        'x:mention:' || tweet_id as message_id,
        'x' as platform,
        'x' as source,
        'mention' as message_kind,
        tweet_id as source_message_id,
        referenced_tweet_id as parent_source_message_id,
        conversation_id as thread_id,
        author_id,
        author_username as author_handle,
        false as is_brand,
        tweet_text as message_text,
        created_at_utc,
        created_at_local
    from {{ ref('stg_x__mentions') }}
    where author_id not in (select user_id from x_brand_usernames)

),

x_brand_replies as (

    select
        'x:brand_reply:' || tweets.tweet_id as message_id,
        'x' as platform,
        'x' as source,
        'brand_reply' as message_kind,
        tweets.tweet_id as source_message_id,
        tweets.referenced_tweet_id as parent_source_message_id,
        tweets.conversation_id as thread_id,
        tweets.author_id,
        brand.username as author_handle,
        true as is_brand,
        tweets.tweet_text as message_text,
        tweets.created_at_utc,
        tweets.created_at_local
    from {{ ref('stg_x__tweets') }} as tweets
    left join x_brand_usernames as brand on brand.user_id = tweets.author_id
    where tweets.is_reply

),

zendesk_social as (

    select
        'zendesk:comment:' || comments.ticket_comment_id as message_id,
        tickets.social_platform as platform,
        'zendesk' as source,
        case when coalesce(users.is_agent, false) then 'agent_ticket_comment' else 'customer_ticket_comment' end as message_kind,
        comments.ticket_comment_id as source_message_id,
        cast(null as varchar) as parent_source_message_id,
        comments.ticket_id as thread_id,
        comments.author_id,
        case when coalesce(users.is_agent, false) then users.user_name
             else coalesce(tickets.social_username, users.user_name) end as author_handle,
        coalesce(users.is_agent, false) as is_brand,
        comments.plain_body as message_text,
        comments.created_at_utc,
        comments.created_at_local
    from {{ ref('stg_zendesk__ticket_comments') }} as comments
    inner join {{ ref('stg_zendesk__tickets') }} as tickets on tickets.ticket_id = comments.ticket_id
    left join {{ ref('stg_zendesk__users') }} as users on users.user_id = comments.author_id
    where tickets.is_social_channel and comments.is_public

),

unioned as (

    select * from instagram
    union all by name
    select * from facebook
    union all by name
    select * from x_mentions
    union all by name
    select * from x_brand_replies
    union all by name
    select * from zendesk_social

)

select
    message_id,
    platform,
    source,
    message_kind,
    source_message_id,
    parent_source_message_id,
    thread_id,
    author_id,
    author_handle,
    is_brand,
    message_text,
    created_at_utc,
    created_at_local
from unioned
where nullif(trim(message_text), '') is not null
