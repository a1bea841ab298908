{#- One row per customer-service conversation with its response metrics: R1 (calendar and
    business seconds, and minutes), next responses (R2 over the customer's later messages),
    R5, and the R7 flag (first message negative). -#}
with

conversations as (

    select * from {{ ref('fct_conversations') }}

),

final as (

    select
        conversation_id,
        conversation_type,
        source,
        channel,
        platform,
        agent_id,
        agent,
        customer_id,
        is_social_customer_at_creation,
        created_at_utc,
        created_date,
        first_customer_message_at_utc,
        first_brand_reply_at_utc,
        first_reply_date,
        is_answered,
        first_response_seconds,
        first_response_business_seconds,
        first_response_seconds / 60.0 as first_response_minutes,
        next_response_count,
        mean_next_response_seconds,
        max_next_response_seconds,
        solved_at_utc,
        solved_date,
        is_resolved,
        resolution_seconds,
        resolution_business_seconds,
        resolution_seconds / 3600.0 as resolution_hours,
        first_message_sentiment_label,
        is_negative_first_message,
        is_complaint,
        ticket_type,
    from conversations

)

select * from final
