{#- One row per customer-service conversation (a Zendesk ticket or a social thread) with its
    first response, resolution, complaint flag and first-message sentiment (R1-R7, S3, S4).
    A table, not incremental: a conversation's state keeps changing after the day it was
    opened (replies, solves and reopenings up to weeks later, identity links re-resolved
    every night), so re-reading a few days could not equal a full refresh. -#}
with

conversations as (

    select * from {{ ref('int_service__conversations') }}

),

conversation_messages as (

    select * from {{ ref('int_service__conversation_messages') }}

),

scored_messages as (

    select * from {{ ref('int_messages_scored') }}

),

social_status as (

    select * from {{ ref('int_identity__social_status') }}

),

message_summary as (

    select
        conversation_messages.conversation_id,
        count(*) filter (where conversation_messages.author_role = 'customer') as customer_message_count,
        count(*) filter (where conversation_messages.author_role = 'brand') as brand_message_count,
        coalesce(bool_or(scored_messages.is_complaint), false) as has_complaint_text,
    from conversation_messages
    left join scored_messages on scored_messages.message_id = conversation_messages.message_id
    group by conversation_messages.conversation_id

),

final as (

    select
        conversations.conversation_id,
        conversations.conversation_type,
        conversations.source,
        conversations.source_conversation_id,
        conversations.channel,
        conversations.platform,
        conversations.source_channel,
        conversations.customer_id,
        coalesce(social_status.social_since_utc <= conversations.created_at_utc, false) as is_social_customer_at_creation,
        conversations.agent_id,
        conversations.agent,
        conversations.created_at_utc,
        conversations.created_at_local,
        cast(conversations.created_at_local as date) as created_date,
        conversations.first_customer_message_at_utc,
        conversations.first_customer_message_id,
        conversations.first_brand_reply_at_utc,
        conversations.first_brand_reply_at_local,
        cast(conversations.first_brand_reply_at_local as date) as first_reply_date,
        conversations.first_reply_source,
        conversations.first_response_seconds is not null as is_answered,
        conversations.first_response_seconds,
        conversations.first_response_business_seconds,
        conversations.next_response_count,
        conversations.mean_next_response_seconds,
        conversations.max_next_response_seconds,
        conversations.solved_at_utc,
        conversations.solved_at_local,
        cast(conversations.solved_at_local as date) as solved_date,
        conversations.resolution_seconds is not null as is_resolved,
        conversations.resolution_seconds,
        conversations.resolution_business_seconds,
        first_messages.sentiment_label as first_message_sentiment_label,
        first_messages.sentiment_score as first_message_sentiment_score,
        coalesce(first_messages.sentiment_label = 'negative', false) as is_negative_first_message,
        conversations.is_complaint_ticket_type,
        coalesce(message_summary.has_complaint_text, false) as has_complaint_text,
        conversations.is_complaint_ticket_type or coalesce(message_summary.has_complaint_text, false) as is_complaint,
        coalesce(message_summary.customer_message_count, 0) as customer_message_count,
        coalesce(message_summary.brand_message_count, 0) as brand_message_count,
        conversations.ticket_status,
        conversations.ticket_type,
        conversations.ticket_priority,
        conversations.problem_ticket_id,
        conversations.linked_incident_ids,
    from conversations
    left join message_summary on message_summary.conversation_id = conversations.conversation_id
    left join scored_messages as first_messages on first_messages.message_id = conversations.first_customer_message_id
    left join social_status on social_status.customer_id = conversations.customer_id

)

select * from final
