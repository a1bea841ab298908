{#- One row per customer and local month (the grain of core.fct_customer_months:
    signup month to the as-of month) with the customer's comparison group IN THAT
    MONTH and what the month-level X measures count.  Per-month membership: a
    customer is social in month m when their first social interaction
    (social_since_date) falls in m or before - the month they became social counts
    as social, so the social-channel contact that made them social is a social
    customer's contact - and non-social otherwise: one group per customer-month,
    never both.  A control customer (int_comparison__customer_groups) is in the
    control group from the month its social partner became social on, so both
    sides of a pair are observed over the same calendar window. -#}
with

customer_months as (

    select * from {{ ref('fct_customer_months') }}

),

groups as (

    select * from {{ ref('int_comparison__customer_groups') }}

),

conversations as (

    select * from {{ ref('fct_conversations') }}
    where customer_id is not null

),

cost_per_contact as (

    select * from {{ ref('cost_per_contact') }}

),

sessions as (

    select * from {{ ref('int_web__sessions') }}
    where customer_id is not null

),

messages as (

    select * from {{ ref('int_messages_scored') }}
    where not is_brand
        and about_account_kind = 'own'

),

links as (

    select * from {{ ref('int_identity__links') }}

),

survey_responses as (

    select * from {{ ref('fct_survey_responses') }}
    where survey_type = 'NPS'
        and customer_id is not null
        and score is not null

),

subscription_events as (

    select * from {{ ref('fct_subscription_events') }}
    where customer_id is not null

),

-- Stripe lists events of the last 30 days only and the subscription object forgets a
-- reverted request: a request, saved or not, is seen from the first event on; before
-- it only the final requests before churn are, so saves are measured from then.
stripe_events_seen as (

    select min(occurred_at_utc) as first_event_at_utc
    from subscription_events
    where evidence_source = 'event'

),

-- Each cancellation request and what came next on its subscription: a save (the
-- request reverted, or a renewal after it) or not (the end, another request, nothing).
requests as (

    select
        customer_id,
        event_type,
        occurred_at_utc,
        occurred_at_local,
        lead(event_type) over by_subscription as next_event_type,
        lead(mrr_after) over by_subscription as next_mrr_after,
    from subscription_events
    where event_type in ('cancellation_request', 'save', 'ended')
    window by_subscription as (partition by subscription_id order by occurred_at_utc, event_type)

),

request_months as (

    select
        requests.customer_id,
        cast(date_trunc('month', requests.occurred_at_local) as date) as month,
        count(*) as observable_cancellation_requests,
        count(*) filter (where requests.next_event_type = 'save') as saved_cancellation_requests,
        sum(case when requests.next_event_type = 'save' then requests.next_mrr_after else 0 end) as saved_request_mrr,
        sum(pow(case when requests.next_event_type = 'save' then requests.next_mrr_after else 0 end::double, 2))
            as saved_request_mrr_squared,
    from requests
    cross join stripe_events_seen
    where requests.event_type = 'cancellation_request'
        and requests.occurred_at_utc >= stripe_events_seen.first_event_at_utc
    group by requests.customer_id, month

),

gross_margin as (

    select * from {{ ref('gross_margin') }}

),

default_margin as (

    select gross_margin from gross_margin where plan = 'default'

),

-- A contact is a conversation an agent worked: every ticket, and a social thread
-- the brand replied to (a comment nobody answered cost nothing).
contacts as (

    select
        conversations.customer_id,
        cast(date_trunc('month', conversations.created_at_local) as date) as month,
        coalesce(priced.channel, 'other') as channel,
        coalesce(priced.cost_per_contact, other.cost_per_contact) as cost_per_contact,
    from conversations
    left join cost_per_contact as priced
        on priced.channel = conversations.channel
        and priced.is_assisted
    left join cost_per_contact as other on other.channel = 'other'
    where conversations.conversation_type = 'ticket' or conversations.is_answered

),

contact_months as (

    select
        customer_id,
        month,
        count(*) as contacts,
        count(*) filter (where channel = 'social') as social_contacts,
        count(*) filter (where channel = 'phone') as phone_contacts,
        count(*) filter (where channel = 'email') as email_contacts,
        count(*) filter (where channel = 'chat') as chat_contacts,
        count(*) filter (where channel = 'web') as web_contacts,
        count(*) filter (where channel = 'other') as other_contacts,
        sum(cost_per_contact) as cost_to_serve,
    from contacts
    group by customer_id, month

),

-- What one help-center view saves (X3): the deflection rate x (what an assisted
-- contact costs on average over every customer's contacts - what a view costs).
savings_basis as (

    select
        {{ var('help_center_deflection_rate') }}
        * (
            coalesce({{ safe_ratio('sum(contact_months.cost_to_serve)', 'sum(contact_months.contacts)') }}, 0)
            - coalesce((select cost_per_contact from cost_per_contact where channel = 'help_center'), 0)
        ) as saving_per_view,
    from contact_months

),

resolution_months as (

    select
        customer_id,
        cast(date_trunc('month', created_at_local) as date) as month,
        count(*) as resolved_conversations,
        sum(resolution_seconds) as resolution_seconds_total,
        sum(pow(resolution_seconds::double, 2)) as resolution_seconds_squared_total,
    from conversations
    where resolution_seconds is not null
    group by customer_id, month

),

nps_months as (

    select
        customer_id,
        cast(date_trunc('month', responded_at_local) as date) as month,
        count(*) as nps_responses,
        count(*) filter (where score >= 9) as nps_promoters,
        count(*) filter (where score <= 6) as nps_detractors,
    from survey_responses
    group by customer_id, month

),

add_on_months as (

    select
        customer_id,
        cast(date_trunc('month', occurred_at_local) as date) as month,
        count(*) as add_on_purchases,
        sum(mrr_change) as cross_sell_mrr,
    from subscription_events
    where event_type = 'add_on'
    group by customer_id, month

),

help_center_months as (

    select
        customer_id,
        cast(date_trunc('month', session_date) as date) as month,
        sum(help_center_views) as help_center_views,
    from sessions
    group by customer_id, month

),

-- The customer who wrote each message, through the identity links of its source.
message_authors as (

    select
        links.customer_id,
        cast(date_trunc('month', messages.created_at_local) as date) as month,
        messages.sentiment_label,
    from messages
    inner join links
        on {{ message_author_link('messages', 'links') }}

),

message_months as (

    select
        customer_id,
        month,
        count(*) filter (where sentiment_label = 'positive') as positive_messages,
        count(*) filter (where sentiment_label = 'negative') as negative_messages,
        count(*) filter (where sentiment_label = 'neutral') as neutral_messages,
    from message_authors
    group by customer_id, month

),

final as (

    select
        customer_months.customer_id,
        customer_months.month,
        customer_months.is_partial_month,
        case
            when groups.social_since_month <= customer_months.month then 'social'
            else 'non_social'
        end as comparison_group,
        coalesce(groups.is_control and customer_months.month >= groups.comparison_from_month, false) as is_control_in_month,
        groups.is_social_customer,
        groups.is_control,
        -- X1 retention
        customer_months.is_active_at_month_start,
        customer_months.is_active_at_month_end,
        customer_months.churned_in_month,
        customer_months.is_paying_in_month,
        -- retention via activity (subscribed or ordered): was the customer active the month before?
        coalesce(
            lag(customer_months.is_paying_in_month) over (
                partition by customer_months.customer_id order by customer_months.month
            ),
            false
        ) as was_paying_in_previous_month,
        customer_months.orders_in_month,
        customer_months.one_off_orders_in_month,
        customer_months.revenue_in_month,
        cast(customer_months.revenue_in_month * coalesce(plan_margin.gross_margin, default_margin.gross_margin)
            as decimal(18, 2)) as gross_profit_in_month,
        customer_months.currency,
        -- X2 cost to serve
        coalesce(contact_months.contacts, 0) as contacts,
        coalesce(contact_months.social_contacts, 0) as social_contacts,
        coalesce(contact_months.phone_contacts, 0) as phone_contacts,
        coalesce(contact_months.email_contacts, 0) as email_contacts,
        coalesce(contact_months.chat_contacts, 0) as chat_contacts,
        coalesce(contact_months.web_contacts, 0) as web_contacts,
        coalesce(contact_months.other_contacts, 0) as other_contacts,
        cast(coalesce(contact_months.cost_to_serve, 0) as decimal(18, 2)) as cost_to_serve,
        coalesce(resolution_months.resolved_conversations, 0) as resolved_conversations,
        coalesce(resolution_months.resolution_seconds_total, 0) as resolution_seconds_total,
        coalesce(resolution_months.resolution_seconds_squared_total, 0) as resolution_seconds_squared_total,
        -- X3 self-help
        coalesce(help_center_months.help_center_views, 0) as help_center_views,
        cast(coalesce(help_center_months.help_center_views, 0) * savings_basis.saving_per_view as decimal(18, 2))
            as estimated_savings,
        -- X4 saves
        customer_months.requested_cancellation_in_month,
        customer_months.saved_in_month,
        customer_months.saved_mrr,
        coalesce(request_months.observable_cancellation_requests, 0) as observable_cancellation_requests,
        coalesce(request_months.saved_cancellation_requests, 0) as saved_cancellation_requests,
        cast(coalesce(request_months.saved_request_mrr, 0) as decimal(18, 2)) as saved_request_mrr,
        coalesce(request_months.saved_request_mrr_squared, 0) as saved_request_mrr_squared,
        -- X5 advocacy: NPS answers, and the customer's own messages about the brand (S1)
        coalesce(nps_months.nps_responses, 0) as nps_responses,
        coalesce(nps_months.nps_promoters, 0) as nps_promoters,
        coalesce(nps_months.nps_detractors, 0) as nps_detractors,
        coalesce(message_months.positive_messages, 0) as positive_messages,
        coalesce(message_months.negative_messages, 0) as negative_messages,
        coalesce(message_months.neutral_messages, 0) as neutral_messages,
        -- X6 cross-sell: add-ons bought after the first purchase, and the MRR they added
        coalesce(add_on_months.add_on_purchases, 0) as add_on_purchases,
        cast(coalesce(add_on_months.cross_sell_mrr, 0) as decimal(18, 2)) as cross_sell_mrr,
    from customer_months
    inner join groups on groups.customer_id = customer_months.customer_id
    cross join default_margin
    cross join savings_basis
    left join gross_margin as plan_margin on plan_margin.plan = customer_months.first_plan
    left join contact_months
        on contact_months.customer_id = customer_months.customer_id
        and contact_months.month = customer_months.month
    left join help_center_months
        on help_center_months.customer_id = customer_months.customer_id
        and help_center_months.month = customer_months.month
    left join message_months
        on message_months.customer_id = customer_months.customer_id
        and message_months.month = customer_months.month
    left join resolution_months
        on resolution_months.customer_id = customer_months.customer_id
        and resolution_months.month = customer_months.month
    left join nps_months
        on nps_months.customer_id = customer_months.customer_id
        and nps_months.month = customer_months.month
    left join add_on_months
        on add_on_months.customer_id = customer_months.customer_id
        and add_on_months.month = customer_months.month
    left join request_months
        on request_months.customer_id = customer_months.customer_id
        and request_months.month = customer_months.month

)

select * from final
