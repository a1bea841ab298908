{#- One row per customer (int_identity__customers): where they live, when they
    signed up and first purchased (the start of their first subscription or their
    first order, whichever came first - METRICS.md L1 counts customers "paying, or
    with an order"), which plan they started on, and whether and since when they are
    social (METRICS.md X).  first_plan is the matching stratum of the
    control group: the plan of the first subscription, or for a customer who never
    paid, the plan of the first new-business HubSpot deal (its amount matched to a
    plan's monthly price in the Stripe catalogue seen in subscription items). -#}
with

customers as (

    select * from {{ ref('int_identity__customers') }}

),

social_status as (

    select * from {{ ref('int_identity__social_status') }}

),

subscriptions as (

    select * from {{ ref('int_billing__subscriptions') }}
    where customer_id is not null

),

as_of as (

    select * from {{ ref('int_billing__as_of') }}

),

orders as (

    select * from {{ ref('fct_orders') }}
    where customer_id is not null

),

links as (

    select * from {{ ref('int_identity__links') }}
    where source = 'hubspot_contact'

),

deals as (

    select * from {{ ref('stg_hubspot__deals') }}

),

deal_contacts as (

    select * from {{ ref('stg_hubspot__deal_contacts') }}

),

-- Monthly plan prices as Stripe bills them: a deal's amount names its plan.
plan_prices as (

    select
        plan_mrr as amount,
        currency,
        min(plan) as plan,
    from subscriptions
    group by plan_mrr, currency
    having count(distinct plan) = 1

),

first_deals as (

    select
        links.customer_id,
        arg_min(plan_prices.plan, (deals.created_at_utc, deals.deal_id)) as deal_plan,
    from deals
    inner join deal_contacts on deal_contacts.deal_id = deals.deal_id
    inner join links on links.source_identity = deal_contacts.contact_id
    inner join plan_prices
        on plan_prices.amount = deals.amount
        and plan_prices.currency = upper(deals.currency)
    where deals.deal_type = 'newbusiness'
    group by links.customer_id

),

customer_subscriptions as (

    select
        customer_id,
        arg_min(plan, (started_at_utc, subscription_id)) as first_plan,
        arg_min(subscription_id, (started_at_utc, subscription_id)) as first_subscription_id,
        arg_min(currency, (started_at_utc, subscription_id)) as currency,
        min(started_at_utc) as first_purchase_at_utc,
        arg_max(plan, (started_at_utc, subscription_id)) filter (where is_active) as current_plan,
        bool_or(is_active) as is_active_subscriber,
    from subscriptions
    group by customer_id

),

customer_orders as (

    select
        customer_id,
        min(ordered_at_utc) as first_order_at_utc,
        arg_min(currency, (ordered_at_utc, order_id)) as currency,
        count(*) as order_count,
        count(*) filter (where not is_subscription_order) as one_off_order_count,
    from orders
    group by customer_id

),

first_purchases as (

    select
        customers.customer_id,
        least(customer_subscriptions.first_purchase_at_utc, customer_orders.first_order_at_utc) as first_purchase_at_utc,
        case
            when customer_subscriptions.first_purchase_at_utc is not null then 'subscription'
            when customer_orders.first_order_at_utc is not null then 'one_off'
        end as purchase_kind,
    from customers
    left join customer_subscriptions on customer_subscriptions.customer_id = customers.customer_id
    left join customer_orders on customer_orders.customer_id = customers.customer_id

),

final as (

    select
        customers.customer_id,
        customers.country,
        customers.created_at_utc as signup_at_utc,
        cast({{ to_local('customers.created_at_utc') }} as date) as signup_date,
        cast(date_trunc('month', {{ to_local('customers.created_at_utc') }}) as date) as signup_cohort_month,
        coalesce(customer_subscriptions.first_plan, first_deals.deal_plan) as first_plan,
        case
            when customer_subscriptions.first_plan is not null then 'subscription'
            when first_deals.deal_plan is not null then 'deal'
        end as first_plan_source,
        customer_subscriptions.current_plan,
        coalesce(customer_subscriptions.is_active_subscriber, false) as is_active_subscriber,
        customer_subscriptions.first_subscription_id,
        first_purchases.purchase_kind,
        first_purchases.first_purchase_at_utc,
        cast({{ to_local('first_purchases.first_purchase_at_utc') }} as date) as first_purchase_date,
        cast(date_trunc('month', {{ to_local('first_purchases.first_purchase_at_utc') }}) as date) as first_purchase_month,
        customer_orders.first_order_at_utc,
        coalesce(customer_orders.order_count, 0) as order_count,
        coalesce(customer_orders.one_off_order_count, 0) as one_off_order_count,
        coalesce(customer_subscriptions.currency, customer_orders.currency) as currency,
        coalesce(social_status.is_social_customer, false) as is_social_customer,
        social_status.social_since_utc,
        cast({{ to_local('social_status.social_since_utc') }} as date) as social_since_date,
        as_of.as_of_date,
    from customers
    cross join as_of
    left join social_status on social_status.customer_id = customers.customer_id
    left join customer_subscriptions on customer_subscriptions.customer_id = customers.customer_id
    left join customer_orders on customer_orders.customer_id = customers.customer_id
    left join first_purchases on first_purchases.customer_id = customers.customer_id
    left join first_deals on first_deals.customer_id = customers.customer_id

)

select * from final
