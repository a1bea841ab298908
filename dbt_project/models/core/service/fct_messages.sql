{#- One row per text message (int_messages_scored) with its sentiment (S1), complaint flag
    (S3), the account it is about, its conversation, and its author resolved to a customer
    with the customer's social status at the time of writing (S5, X5). A table, not
    incremental: a message's customer is re-resolved every night (a handle or a social
    ticket seen today can link last year's comments), and a new scorer version re-scores
    history. -#}
with

messages as (

    select * from {{ ref('int_messages_scored') }}

),

conversation_messages as (

    select * from {{ ref('int_service__conversation_messages') }}

),

links as (

    select * from {{ ref('int_identity__links') }}

),

social_status as (

    select * from {{ ref('int_identity__social_status') }}

),

final as (

    select
        messages.message_id,
        messages.platform,
        messages.source,
        messages.message_kind,
        case
            when messages.message_kind in ('customer_ticket_comment', 'agent_ticket_comment') then 'ticket'
            when messages.message_kind = 'direct_message' then 'direct'
            else 'public'
        end as message_channel,
        conversation_messages.conversation_id,
        messages.is_brand,
        messages.author_id,
        messages.author_handle,
        messages.message_text,
        links.customer_id,
        coalesce(social_status.social_since_utc <= messages.created_at_utc, false) as is_social_customer_at_message,
        messages.about_account_id,
        messages.about_account_username,
        messages.about_account_kind,
        messages.created_at_utc,
        messages.created_at_local,
        cast(messages.created_at_local as date) as created_date,
        messages.sentiment_label,
        messages.sentiment_score,
        messages.sentiment_language,
        messages.is_complaint,
        messages.scorer_version,
    from messages
    left join conversation_messages on conversation_messages.message_id = messages.message_id
    -- the brand writes no customer's message
    left join links
        on not messages.is_brand
        and {{ message_author_link('messages', 'links') }}
    left join social_status on social_status.customer_id = links.customer_id

)

select * from final
