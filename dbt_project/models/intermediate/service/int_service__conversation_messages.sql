{#- Which conversation each message of int_messages belongs to, and who wrote it there.
    A ticket's public comments belong to the ticket. A social thread is a customer's
    top-level comment (Instagram, Facebook) or mention of the brand (X) with every reply
    that answers it (the brand's, and other users' replies under the comment). Messages about
    competitors belong to no conversation of ours. -#}
with

messages as (

    select * from {{ ref('int_messages') }}
    where about_account_kind = 'own'

),

-- Deleted tickets are no conversation (int_service__conversations leaves them out).
live_tickets as (

    select ticket_id from {{ ref('stg_zendesk__tickets') }}
    where status <> 'deleted'

),

ticket_messages as (

    select
        'zendesk:ticket:' || messages.thread_id as conversation_id,
        messages.message_id,
        messages.is_brand,
        messages.created_at_utc,
    from messages
    inner join live_tickets on live_tickets.ticket_id = messages.thread_id
    where messages.source = 'zendesk'

),

thread_starts as (

    select
        platform || ':' || message_kind || ':' || source_message_id as conversation_id,
        message_id,
        platform,
        source_message_id,
        is_brand,
        created_at_utc,
    from messages
    where source <> 'zendesk' and message_kind in ('comment', 'mention') and not is_brand

),

thread_replies as (

    select
        thread_starts.conversation_id,
        replies.message_id,
        replies.is_brand,
        replies.created_at_utc,
    from messages as replies
    inner join thread_starts
        on thread_starts.platform = replies.platform
        and thread_starts.source_message_id = replies.parent_source_message_id
    where replies.source <> 'zendesk' and replies.message_kind in ('reply', 'brand_reply')

),

unioned as (

    select * from ticket_messages
    union all by name
    select * from thread_starts
    union all by name
    select * from thread_replies

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
