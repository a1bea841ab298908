{#- Which conversation each message of int_messages belongs to, and who wrote it there.
    A ticket's public comments belong to the ticket (Zendesk's, or an export's). On
    Instagram and Facebook a thread is
    a customer's top-level comment with every reply under it (the brand's, and other
    users'). On X a thread is a customer's tweets in one X conversation (conversation_id)
    with the brand's replies to them: a follow-up tweet joins the thread it continues
    instead of opening a new one, and a reply from any of the brand's accounts answers it.
    Keyed by customer as well, because an X conversation under a brand post holds many
    customers' threads. A direct-message conversation (exports only) is one thread. Messages
    are told apart by platform and kind, not by where they were read: an exported comment
    and one from the API thread alike. Messages about competitors belong to no conversation
    of ours. -#}
with

messages as (

    select * from {{ ref('int_messages') }}
    where about_account_kind = 'own'

),

-- Deleted tickets are no conversation (int_service__conversations leaves them out).
live_tickets as (

    select 'zendesk' as source, cast(ticket_id as varchar) as ticket_id from {{ ref('stg_zendesk__tickets') }}
    where status <> 'deleted'
    union all
    select 'files', ticket_id from {{ ref('stg_files__tickets') }}

),

ticket_messages as (

    select
        messages.source || ':ticket:' || messages.thread_id as conversation_id,
        messages.message_id,
        messages.is_brand,
        messages.created_at_utc,
    from messages
    inner join live_tickets
        on live_tickets.source = messages.source
        and live_tickets.ticket_id = cast(messages.thread_id as varchar)
    where messages.message_kind in ('customer_ticket_comment', 'agent_ticket_comment')

),

comment_starts as (

    select
        platform || ':comment:' || source_message_id as conversation_id,
        message_id,
        platform,
        source_message_id,
        is_brand,
        created_at_utc,
    from messages
    where platform in ('instagram', 'facebook') and message_kind = 'comment' and not is_brand

),

comment_replies as (

    select
        comment_starts.conversation_id,
        replies.message_id,
        replies.is_brand,
        replies.created_at_utc,
    from messages as replies
    inner join comment_starts
        on comment_starts.platform = replies.platform
        and comment_starts.source_message_id = replies.parent_source_message_id
    where replies.platform in ('instagram', 'facebook') and replies.message_kind in ('reply', 'brand_reply')

),

x_customer_tweets as (

    select
        'x:thread:' || coalesce(thread_id, source_message_id) || ':' || author_id as conversation_id,
        message_id,
        source_message_id,
        is_brand,
        created_at_utc,
    from messages
    where platform = 'x' and message_kind = 'mention'

),

-- A brand reply answers the thread of the tweet it replies to; the brand's replies to its
-- own tweets answer no customer.
x_brand_replies as (

    select
        x_customer_tweets.conversation_id,
        replies.message_id,
        replies.is_brand,
        replies.created_at_utc,
    from messages as replies
    inner join x_customer_tweets on x_customer_tweets.source_message_id = replies.parent_source_message_id
    where replies.platform = 'x' and replies.message_kind = 'brand_reply'

),

-- A direct message without a conversation id is one of its own, joined by what replies to it.
direct_messages as (

    select
        platform || ':dm:' || coalesce(thread_id, parent_source_message_id, source_message_id) as conversation_id,
        message_id,
        is_brand,
        created_at_utc,
    from messages
    where message_kind = 'direct_message'

),

unioned as (

    select * from ticket_messages
    union all by name
    select * from comment_starts
    union all by name
    select * from comment_replies
    union all by name
    select * from x_customer_tweets
    union all by name
    select * from x_brand_replies
    union all by name
    select * from direct_messages

),

final as (

    select
        message_id,
        conversation_id,
        case when is_brand then 'brand' else 'customer' end as author_role,
        created_at_utc,
    from unioned

)

select * from final
