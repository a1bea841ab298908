{#- One row per wait of a customer for the brand (first and next responses) with the
    conversation's channel and agent, for measures counted on the day of the reply. -#}
with

response_waits as (

    select * from {{ ref('int_service__response_waits') }}

),

conversations as (

    select * from {{ ref('int_service__conversations') }}

),

final as (

    select
        response_waits.response_wait_id,
        response_waits.conversation_id,
        response_waits.wait_number,
        response_waits.response_kind,
        conversations.channel,
        conversations.platform,
        conversations.agent_id,
        conversations.agent,
        response_waits.waiting_since_message_id,
        response_waits.waiting_since_utc,
        response_waits.reply_message_id,
        response_waits.replied_at_utc,
        response_waits.replied_at_local,
        cast(response_waits.replied_at_local as date) as replied_date,
        response_waits.response_seconds,
    from response_waits
    inner join conversations on conversations.conversation_id = response_waits.conversation_id

)

select * from final
