{#- One row per Stripe subscription in its current state, resolved to a customer
    (int_identity__links, source stripe_customer), with its plan and base monthly
    recurring revenue.  The plan is the subscription's first item (not an add-on):
    its price lookup key without the billing-interval suffix ("pro_monthly" -> "pro").
    MRR normalises every price to a month (year / 12, week x 52 / 12, day x 365 / 12). -#}
with

subscriptions as (

    select * from {{ ref('stg_stripe__subscriptions') }}

),

items as (

    select * from {{ ref('stg_stripe__subscription_items') }}

),

links as (

    select * from {{ ref('int_identity__links') }}
    where source = 'stripe_customer'

),

plan_items as (

    select
        subscription_id,
        regexp_replace(
            coalesce(price_lookup_key, product_id),
            '_(daily|weekly|monthly|quarterly|yearly|annual|annually)$', ''
        ) as plan,
        unit_amount * quantity * case billing_interval
            when 'month' then 1.0
            when 'year' then 1.0 / 12
            when 'week' then 52.0 / 12
            when 'day' then 365.0 / 12
        end / billing_interval_count as plan_mrr,
        currency,
    from items
    where not is_add_on
    -- a subscription created with several items: the earliest (then lowest id) is the plan
    qualify row_number() over (partition by subscription_id order by created_at_utc, subscription_item_id) = 1

),

final as (

    select
        subscriptions.subscription_id,
        links.customer_id,
        subscriptions.customer_id as stripe_customer_id,
        plan_items.plan,
        cast(plan_items.plan_mrr as decimal(18, 2)) as plan_mrr,
        coalesce(subscriptions.currency, plan_items.currency) as currency,
        subscriptions.status,
        subscriptions.is_active,
        subscriptions.cancel_at_period_end,
        subscriptions.cancellation_reason,
        subscriptions.started_at_utc,
        subscriptions.started_at_local,
        subscriptions.canceled_at_utc,
        subscriptions.canceled_at_local,
        subscriptions.cancel_at_utc,
        subscriptions.cancel_at_local,
        subscriptions.ended_at_utc,
        subscriptions.ended_at_local,
        case
            when subscriptions.ended_at_utc is null then null
            when subscriptions.cancellation_reason = 'cancellation_requested' then 'voluntary'
            else 'involuntary'
        end as end_kind,
        row_number() over (
            partition by links.customer_id
            order by subscriptions.started_at_utc, subscriptions.subscription_id
        ) = 1 and links.customer_id is not null as is_first_subscription,
    from subscriptions
    left join links on links.source_identity = subscriptions.customer_id
    left join plan_items on plan_items.subscription_id = subscriptions.subscription_id

)

select * from final
