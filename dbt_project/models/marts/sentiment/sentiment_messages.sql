{#- S1 per message: every comment, reply, mention (of the brand and of competitors) and
    social-ticket message with its sentiment label and score, the account it is about and
    its writer's customer, for reading what the daily counts are made of. -#}
with

messages as (

    select * from {{ ref('fct_messages') }}

),

final as (

    select
        message_id,
        platform,
        source,
        message_kind,
        message_channel,
        conversation_id,
        is_brand,
        author_handle,
        customer_id,
        is_social_customer_at_message,
        about_account_id,
        about_account_username,
        about_account_kind,
        created_at_utc,
        created_date,
        message_text,
        sentiment_label,
        sentiment_score,
        sentiment_language,
        is_complaint,
        scorer_version,
    from messages

)

select * from final
