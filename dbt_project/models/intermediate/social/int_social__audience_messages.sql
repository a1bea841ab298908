{{ config(materialized='view') }}
{#- What other people wrote to or about an account, one row per message: comments and
    replies by others on the account's posts (Instagram, Facebook; collected for own
    accounts only) and mentions on X (the brand's and tracked competitors'), read from the
    APIs or from a social-messages export (a message both give is the API's). The
    account's own replies are left out. is_mention (E12) marks posts/comments by others
    naming the account: every X mention, and comments whose text holds '@<username>' or
    the account's name. A view, so the incremental fct_social_account_days' date filter
    reaches the staging scans. -#}
with

accounts as (

    select * from {{ ref('int_social__accounts') }}

),

posts as (

    select * from {{ ref('int_social__posts') }}

),

instagram_comments as (

    select * from {{ ref('stg_instagram__comments') }}

),

facebook_comments as (

    select * from {{ ref('stg_facebook__comments') }}

),

x_mentions as (

    select * from {{ ref('stg_x__mentions') }}

),

x_competitor_mentions as (

    select * from {{ ref('stg_x__competitor_mentions') }}

),

-- Customers' messages of a social-messages export, where the API did not give them.
exported_messages as (

    select * from {{ ref('stg_files__social_messages') }}
    where not is_brand
        and message_type <> 'direct_message'
        and not (platform = 'instagram' and message_id in (select comment_id from instagram_comments))
        and not (platform = 'facebook' and message_id in (select comment_id from facebook_comments))
        and not (platform = 'x' and message_id in (
            select tweet_id from x_mentions union all select tweet_id from x_competitor_mentions
        ))

),

-- The X mentions stream reads each own X account's mention timeline and names the account
-- (mentioned_user_id); batches landed before it did are the latest-seen own account's.
own_x_accounts as (

    select account_id, latest_snapshot_date
    from accounts
    where platform = 'x' and is_own

),

comments as (

    select
        'instagram' as platform,
        case when is_reply then 'reply' else 'comment' end as message_kind,
        comment_id as source_message_id,
        'instagram:' || media_id as post_key,
        coalesce(username, author_id) as author,
        comment_text as message_text,
        commented_at_utc as created_at_utc,
        extracted_at,
    from instagram_comments
    where not is_brand_reply

    union all

    select
        'facebook',
        case when is_reply then 'reply' else 'comment' end,
        comment_id,
        'facebook:' || post_id,
        coalesce(author_id, author_name),
        comment_text,
        commented_at_utc,
        extracted_at,
    from facebook_comments
    where not is_brand_reply

    union all

    select
        platform,
        case when message_type = 'reply' then 'reply' else 'comment' end,
        message_id,
        platform || ':' || post_id,
        case when platform = 'instagram' then coalesce(author_handle, author_id) else coalesce(author_id, author_handle) end,
        message_text,
        created_at_utc,
        extracted_at,
    from exported_messages
    where platform in ('instagram', 'facebook') and post_id is not null

),

comments_on_accounts as (

    select
        comments.platform,
        posts.account_id,
        comments.message_kind,
        comments.source_message_id,
        comments.post_key,
        comments.author,
        comments.message_text,
        comments.created_at_utc,
        comments.extracted_at,
    from comments
    inner join posts on posts.post_key = comments.post_key

),

mentions as (

    select
        'x' as platform,
        coalesce(x_mentions.mentioned_user_id, (select arg_max(account_id, latest_snapshot_date) from own_x_accounts)) as account_id,
        'mention' as message_kind,
        x_mentions.tweet_id as source_message_id,
        cast(null as varchar) as post_key,
        x_mentions.author_id as author,
        x_mentions.tweet_text as message_text,
        x_mentions.created_at_utc,
        x_mentions.extracted_at,
    from x_mentions
    where x_mentions.author_id not in (select account_id from own_x_accounts)

    union all

    select
        'x',
        mentioned_user_id,
        'mention',
        tweet_id,
        cast(null as varchar),
        author_id,
        tweet_text,
        created_at_utc,
        extracted_at,
    from x_competitor_mentions
    where author_id is distinct from mentioned_user_id

    union all

    select
        'x',
        coalesce(account_id, (select arg_max(account_id, latest_snapshot_date) from own_x_accounts)),
        'mention',
        message_id,
        cast(null as varchar),
        coalesce(author_id, author_handle),
        message_text,
        created_at_utc,
        extracted_at,
    from exported_messages
    where platform = 'x'

),

unioned as (

    select * from comments_on_accounts
    union all
    select * from mentions

),

final as (

    select
        unioned.platform || ':' || unioned.message_kind || ':' || unioned.source_message_id
            || case when unioned.message_kind = 'mention' then ':' || unioned.account_id else '' end
            as message_key,
        unioned.platform,
        unioned.platform || ':' || unioned.account_id as account_key,
        unioned.account_id,
        coalesce(accounts.is_own, false) as is_own,
        unioned.message_kind,
        unioned.source_message_id,
        unioned.post_key,
        unioned.platform || ':' || unioned.author as author_key,
        unioned.created_at_utc,
        {{ to_local('unioned.created_at_utc') }} as created_at_local,
        cast({{ to_local('unioned.created_at_utc') }} as date) as created_date,
        coalesce(
            unioned.message_kind = 'mention'
            or contains(lower(unioned.message_text), '@' || accounts.username)
            or contains(lower(unioned.message_text), lower(accounts.account_name)),
            false
        ) as is_mention,
        timezone('UTC', unioned.extracted_at) as loaded_at_utc,
    from unioned
    left join accounts
        on accounts.platform = unioned.platform
        and accounts.account_id = unioned.account_id

)

select * from final
