{#- Every time a customer waited for the brand in a conversation, one row each, as Zendesk
    separates first and next reply time: the first wait runs from the customer's first
    message to the brand's first reply at or after it (R1); after each brand reply, the
    customer's next message (the oldest one unanswered) opens a next wait, closed by the
    brand's next reply. Messages the customer sends while already waiting open nothing;
    brand messages before the customer's first message answer nothing. At equal times the
    customer's message comes first, so a reply stamped in the same second answers it. -#}
with

conversation_messages as (

    select * from {{ ref('int_service__conversation_messages') }}

),

first_customer_messages as (

    select
        conversation_id,
        min(created_at_utc) as first_customer_message_at_utc,
    from conversation_messages
    where author_role = 'customer'
    group by conversation_id

),

sequenced as (

    select
        conversation_messages.*,
        lag(conversation_messages.author_role) over (
            partition by conversation_messages.conversation_id
            order by conversation_messages.created_at_utc, conversation_messages.author_role desc, conversation_messages.message_id
        ) as previous_author_role,
    from conversation_messages
    inner join first_customer_messages on first_customer_messages.conversation_id = conversation_messages.conversation_id
    where conversation_messages.created_at_utc >= first_customer_messages.first_customer_message_at_utc

),

waits as (

    select
        conversation_id,
        message_id as waiting_since_message_id,
        created_at_utc as waiting_since_utc,
        row_number() over (partition by conversation_id order by created_at_utc, message_id) as wait_number,
    from sequenced
    where author_role = 'customer' and coalesce(previous_author_role, 'brand') = 'brand'

),

replies as (

    select
        waits.conversation_id,
        waits.wait_number,
        min(brand.created_at_utc) as replied_at_utc,
        arg_min(brand.message_id, (brand.created_at_utc, brand.message_id)) as reply_message_id,
    from waits
    inner join sequenced as brand
        on brand.conversation_id = waits.conversation_id
        and brand.author_role = 'brand'
        and brand.created_at_utc >= waits.waiting_since_utc
    group by waits.conversation_id, waits.wait_number

),

final as (

    select
        waits.conversation_id || ':' || waits.wait_number as response_wait_id,
        waits.conversation_id,
        waits.wait_number,
        case when waits.wait_number = 1 then 'first' else 'next' end as response_kind,
        waits.waiting_since_message_id,
        waits.waiting_since_utc,
        replies.reply_message_id,
        replies.replied_at_utc,
        {{ to_local('replies.replied_at_utc') }} as replied_at_local,
        date_sub('second', waits.waiting_since_utc, replies.replied_at_utc) as response_seconds,
    from waits
    left join replies
        on replies.conversation_id = waits.conversation_id
        and replies.wait_number = waits.wait_number

)

select * from final
