{#- Sentiment and complaints per platform x local day (S2-S5). S2 is the mix of public
    messages about the brand written by anyone but the brand (comments, replies, mentions);
    social-ticket messages are counted beside it, not in it. S3 counts complaint messages
    and complaint tickets; S4 follows complaint tickets (the only complaints with a
    resolution state); S5 compares social customers' positive and negative messages.
    Tickets from non-social channels appear under their channel (email, phone, chat, web,
    other) as "platform", with complaint columns only (their text is not collected). -#}
with

messages as (

    select * from {{ ref('fct_messages') }}
    where about_account_kind = 'own' and not is_brand

),

conversations as (

    select * from {{ ref('fct_conversations') }}
    where conversation_type = 'ticket'

),

message_days as (

    select
        created_date as activity_date,
        platform,
        count(*) filter (where message_channel = 'public' and sentiment_label is not null) as scored_messages,
        count(*) filter (where message_channel = 'public' and sentiment_label = 'positive') as positive_messages,
        count(*) filter (where message_channel = 'public' and sentiment_label = 'neutral') as neutral_messages,
        count(*) filter (where message_channel = 'public' and sentiment_label = 'negative') as negative_messages,
        count(*) filter (where message_channel = 'ticket' and sentiment_label = 'positive') as ticket_positive_messages,
        count(*) filter (where message_channel = 'ticket' and sentiment_label = 'neutral') as ticket_neutral_messages,
        count(*) filter (where message_channel = 'ticket' and sentiment_label = 'negative') as ticket_negative_messages,
        count(*) filter (where message_channel = 'public' and is_complaint) as complaint_messages,
        count(*) filter (where is_social_customer_at_message and sentiment_label = 'positive') as social_customer_positive_messages,
        count(*) filter (where is_social_customer_at_message and sentiment_label = 'negative') as social_customer_negative_messages,
    from messages
    group by all

),

ticket_days as (

    select
        created_date as activity_date,
        coalesce(platform, channel) as platform,
        count(*) filter (where is_complaint) as complaint_tickets,
        count(*) filter (where is_complaint and is_resolved) as resolved_complaint_tickets,
    from conversations
    group by all

),

days as (

    select activity_date, platform from message_days
    union
    select activity_date, platform from ticket_days

),

final as (

    select
        days.activity_date,
        days.platform,
        coalesce(message_days.scored_messages, 0) as scored_messages,
        coalesce(message_days.positive_messages, 0) as positive_messages,
        coalesce(message_days.neutral_messages, 0) as neutral_messages,
        coalesce(message_days.negative_messages, 0) as negative_messages,
        {{ safe_ratio('coalesce(message_days.positive_messages, 0) - coalesce(message_days.negative_messages, 0)',
                      'coalesce(message_days.scored_messages, 0)') }} as net_sentiment,
        {{ safe_ratio('coalesce(message_days.positive_messages, 0) - coalesce(message_days.negative_messages, 0)',
                      'coalesce(message_days.positive_messages, 0) + coalesce(message_days.negative_messages, 0)') }} as net_sentiment_polar,
        coalesce(message_days.ticket_positive_messages, 0) as ticket_positive_messages,
        coalesce(message_days.ticket_neutral_messages, 0) as ticket_neutral_messages,
        coalesce(message_days.ticket_negative_messages, 0) as ticket_negative_messages,
        coalesce(message_days.complaint_messages, 0) as complaint_messages,
        coalesce(ticket_days.complaint_tickets, 0) as complaint_tickets,
        coalesce(message_days.complaint_messages, 0) + coalesce(ticket_days.complaint_tickets, 0) as complaints,
        coalesce(ticket_days.resolved_complaint_tickets, 0) as resolved_complaint_tickets,
        {{ safe_ratio('coalesce(ticket_days.resolved_complaint_tickets, 0)', 'coalesce(ticket_days.complaint_tickets, 0)') }} as complaint_resolution_rate,
        coalesce(message_days.social_customer_positive_messages, 0) as social_customer_positive_messages,
        coalesce(message_days.social_customer_negative_messages, 0) as social_customer_negative_messages,
        {{ safe_ratio('coalesce(message_days.social_customer_positive_messages, 0)',
                      'coalesce(message_days.social_customer_negative_messages, 0)') }} as advocacy_ratio,
    from days
    left join message_days
        on message_days.activity_date = days.activity_date and message_days.platform = days.platform
    left join ticket_days
        on ticket_days.activity_date = days.activity_date and ticket_days.platform = days.platform

)

select * from final
