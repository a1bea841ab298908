{#- Every text message from every source, one row each, in one column contract: customer
    comments and replies, X mentions of the brand and of tracked competitors, the brand's
    replies, direct messages and the public comments of social-channel tickets, read from the
    APIs or from a brand's exports (social_messages, tickets and ticket_comments in
    PANTAU_IMPORT_DIR). The input of the sentiment scorer (enrichment/message_sentiment) and
    of conversations. message_id is '<platform or source>:<kind>:<source id>', the same for
    a message whether an API or an export gave it, so a message both give is the API's
    once; about_account_* name the account the message is about (the brand's own account,
    or the competitor a mention names). -#}
with

instagram_accounts as (

    select account_id, arg_max(username, snapshot_at_utc) as username
    from {{ ref('stg_instagram__accounts') }}
    group by account_id

),

instagram_media as (

    select media_id, account_id
    from {{ ref('stg_instagram__media') }}

),

facebook_pages as (

    select page_id, arg_max(username, snapshot_at_utc) as username
    from {{ ref('stg_facebook__pages') }}
    group by page_id

),

x_brand_usernames as (

    select user_id, arg_max(username, snapshot_at_utc) as username
    from {{ ref('stg_x__users') }}
    group by user_id

),

x_competitors as (

    select user_id, arg_max(username, snapshot_at_utc) as username
    from {{ ref('stg_x__competitor_users') }}
    group by user_id

),

x_authors as (

    select user_id, username
    from {{ ref('stg_x__mention_authors') }}

),

x_mention_tweets as (

    select * from {{ ref('stg_x__mentions') }}

),

-- Tweets the brand answered that its mention timelines did not list (written to an own
-- account whose mentions are not read, or older than the 800-mention window).
x_answered_tweets as (

    select replied.*
    from {{ ref('stg_x__replied_tweets') }} as replied
    where replied.tweet_id in (select referenced_tweet_id from {{ ref('stg_x__tweets') }} where is_reply)
        and replied.tweet_id not in (select tweet_id from x_mention_tweets)

),

-- The brand's account on each platform, for messages whose source names none (tickets,
-- comments on media not in the media stream, mentions landed without their account);
-- the lowest id when a platform has several.
own_accounts as (

    select 'instagram' as platform, min(account_id) as account_id, arg_min(username, account_id) as username
    from instagram_accounts
    union all
    select 'facebook', min(page_id), arg_min(username, page_id)
    from facebook_pages
    union all
    select 'x', min(user_id), arg_min(username, user_id)
    from x_brand_usernames

),

instagram as (

    select
        'instagram:comment:' || comments.comment_id as message_id,
        'instagram' as platform,
        'instagram' as source,
        case when comments.is_brand_reply then 'brand_reply' when comments.is_reply then 'reply' else 'comment' end as message_kind,
        comments.comment_id as source_message_id,
        comments.parent_comment_id as parent_source_message_id,
        comments.media_id as thread_id,
        comments.author_id,
        comments.username as author_handle,
        comments.is_brand_reply as is_brand,
        comments.comment_text as message_text,
        comments.commented_at_utc as created_at_utc,
        comments.commented_at_local as created_at_local,
        coalesce(media.account_id, own.account_id) as about_account_id,
        coalesce(accounts.username, own.username) as about_account_username,
        'own' as about_account_kind
    from {{ ref('stg_instagram__comments') }} as comments
    left join instagram_media as media on media.media_id = comments.media_id
    left join instagram_accounts as accounts on accounts.account_id = media.account_id
    left join own_accounts as own on own.platform = 'instagram'

),

facebook as (

    select
        'facebook:comment:' || comments.comment_id as message_id,
        'facebook' as platform,
        'facebook' as source,
        case when comments.is_brand_reply then 'brand_reply' when comments.is_reply then 'reply' else 'comment' end as message_kind,
        comments.comment_id as source_message_id,
        comments.parent_comment_id as parent_source_message_id,
        comments.post_id as thread_id,
        comments.author_id,
        comments.author_name as author_handle,
        comments.is_brand_reply as is_brand,
        comments.comment_text as message_text,
        comments.commented_at_utc as created_at_utc,
        comments.commented_at_local as created_at_local,
        coalesce(comments.page_id, own.account_id) as about_account_id,
        coalesce(pages.username, own.username) as about_account_username,
        'own' as about_account_kind
    from {{ ref('stg_facebook__comments') }} as comments
    left join facebook_pages as pages on pages.page_id = comments.page_id
    left join own_accounts as own on own.platform = 'facebook'

),

-- Tweets to the brand: its mentions, and the tweets its replies answered. One kind, so a
-- thread's customer messages are the same whichever way they were read.
x_tweets_to_brand as (

    select *, mentioned_user_id as about_user_id, author_username as handle from x_mention_tweets
    union all by name
    select answered.*, answered.timeline_user_id as about_user_id, authors.username as handle
    from x_answered_tweets as answered
    left join x_authors as authors on authors.user_id = answered.author_id

),

x_mentions as (

    select
        'x:mention:' || mentions.tweet_id as message_id,
        'x' as platform,
        'x' as source,
        'mention' as message_kind,
        mentions.tweet_id as source_message_id,
        mentions.referenced_tweet_id as parent_source_message_id,
        mentions.conversation_id as thread_id,
        mentions.author_id,
        mentions.handle as author_handle,
        false as is_brand,
        mentions.tweet_text as message_text,
        mentions.created_at_utc,
        mentions.created_at_local,
        -- The own account whose timeline listed it (the brand may own several).
        coalesce(mentions.about_user_id, own.account_id) as about_account_id,
        coalesce(accounts.username, own.username) as about_account_username,
        'own' as about_account_kind
    from x_tweets_to_brand as mentions
    left join x_brand_usernames as accounts on accounts.user_id = mentions.about_user_id
    left join own_accounts as own on own.platform = 'x'
    where mentions.author_id not in (select user_id from x_brand_usernames)

),

-- Mentions of tracked competitors (C3): about the competitor, never the brand's own
-- tweets nor the competitor's own; a separate kind so brand-mention counts stay as they were.
x_competitor_mentions as (

    select
        'x:competitor_mention:' || mentions.tweet_id as message_id,
        'x' as platform,
        'x' as source,
        'competitor_mention' as message_kind,
        mentions.tweet_id as source_message_id,
        mentions.referenced_tweet_id as parent_source_message_id,
        mentions.conversation_id as thread_id,
        mentions.author_id,
        authors.username as author_handle,
        false as is_brand,
        mentions.tweet_text as message_text,
        mentions.created_at_utc,
        mentions.created_at_local,
        mentions.mentioned_user_id as about_account_id,
        competitors.username as about_account_username,
        'competitor' as about_account_kind
    from {{ ref('stg_x__competitor_mentions') }} as mentions
    left join x_competitors as competitors on competitors.user_id = mentions.mentioned_user_id
    left join x_authors as authors on authors.user_id = mentions.author_id
    where mentions.author_id not in (select user_id from x_brand_usernames)
        and mentions.author_id <> mentions.mentioned_user_id

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
        tweets.created_at_local,
        tweets.author_id as about_account_id,
        brand.username as about_account_username,
        'own' as about_account_kind
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
        comments.created_at_local,
        own.account_id as about_account_id,
        own.username as about_account_username,
        'own' as about_account_kind
    from {{ ref('stg_zendesk__ticket_comments') }} as comments
    inner join {{ ref('stg_zendesk__tickets') }} as tickets on tickets.ticket_id = comments.ticket_id
    left join {{ ref('stg_zendesk__users') }} as users on users.user_id = comments.author_id
    left join own_accounts as own on own.platform = tickets.social_platform
    where tickets.is_social_channel and comments.is_public

),

-- Every account of the brand, to name the one an exported message was addressed to.
brand_accounts as (

    select 'instagram' as platform, account_id, username from instagram_accounts
    union all
    select 'facebook', page_id, username from facebook_pages
    union all
    select 'x', user_id, username from x_brand_usernames

),

-- Exported tickets' public comments on social channels, like Zendesk's.
files_ticket_social as (

    select
        'files:comment:' || comments.ticket_comment_id as message_id,
        tickets.social_platform as platform,
        'files' as source,
        case when comments.is_agent then 'agent_ticket_comment' else 'customer_ticket_comment' end as message_kind,
        comments.ticket_comment_id as source_message_id,
        cast(null as varchar) as parent_source_message_id,
        comments.ticket_id as thread_id,
        comments.author_id,
        case when comments.is_agent then comments.author_id
             else coalesce(tickets.social_username, comments.author_id) end as author_handle,
        comments.is_agent as is_brand,
        comments.plain_body as message_text,
        comments.created_at_utc,
        comments.created_at_local,
        own.account_id as about_account_id,
        own.username as about_account_username,
        'own' as about_account_kind
    from {{ ref('stg_files__ticket_comments') }} as comments
    inner join {{ ref('stg_files__tickets') }} as tickets on tickets.ticket_id = comments.ticket_id
    left join own_accounts as own on own.platform = tickets.social_platform
    where tickets.is_social_channel and comments.is_public

),

api_messages as (

    select * from instagram
    union all by name
    select * from facebook
    union all by name
    select * from x_mentions
    union all by name
    select * from x_competitor_mentions
    union all by name
    select * from x_brand_replies
    union all by name
    select * from zendesk_social

),

-- Exported social messages in the API's kinds: on X every customer tweet to the brand is a
-- mention; a brand's message is a brand reply; the thread is the post commented on, the X
-- conversation, or the direct-message conversation.
files_social as (

    select
        exported.platform || ':' || case
            when exported.message_type = 'direct_message' then 'direct_message'
            when exported.platform = 'x' and exported.is_brand then 'brand_reply'
            when exported.platform = 'x' then 'mention'
            else 'comment'
        end || ':' || exported.message_id as message_id,
        exported.platform,
        'files' as source,
        case
            when exported.message_type = 'direct_message' then 'direct_message'
            when exported.is_brand then 'brand_reply'
            when exported.platform = 'x' then 'mention'
            else exported.message_type
        end as message_kind,
        exported.message_id as source_message_id,
        exported.parent_message_id as parent_source_message_id,
        case
            when exported.message_type = 'direct_message' then exported.conversation_id
            when exported.platform = 'x' then coalesce(exported.conversation_id, exported.message_id)
            else exported.post_id
        end as thread_id,
        exported.author_id,
        exported.author_handle,
        exported.is_brand,
        exported.message_text,
        exported.created_at_utc,
        exported.created_at_local,
        coalesce(exported.account_id, own.account_id) as about_account_id,
        coalesce(accounts.username, case when exported.account_id is null then own.username end, exported.account_id)
            as about_account_username,
        'own' as about_account_kind
    from {{ ref('stg_files__social_messages') }} as exported
    left join brand_accounts as accounts
        on accounts.platform = exported.platform
        and accounts.account_id = exported.account_id
    left join own_accounts as own on own.platform = exported.platform

),

unioned as (

    select * from api_messages
    union all by name
    select * from files_ticket_social
    union all by name
    select * from files_social
    where message_id not in (select message_id from api_messages)

),

final as (

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
        created_at_local,
        about_account_id,
        about_account_username,
        about_account_kind
    from unioned
    where nullif(trim(message_text), '') is not null

)

select * from final
