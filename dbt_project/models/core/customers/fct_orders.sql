{#- One row per order (int_billing__orders: a paid invoice, with or without a
    subscription, a one-off payment counted once, or an exported order), resolved to a customer, with its
    rank among the customer's orders.  Money in major units (DECIMAL) with the ISO
    currency beside it. -#}
with

orders as (

    select * from {{ ref('int_billing__orders') }}

),

links as (

    select * from {{ ref('int_identity__links') }}

),

resolved as (

    select
        orders.*,
        links.customer_id,
    from orders
    left join links
        on links.source = orders.customer_identity_source
        and links.source_identity = orders.customer_source_identity

),

final as (

    select
        order_id,
        customer_id,
        stripe_customer_id,
        order_source,
        is_subscription_order,
        invoice_id,
        subscription_id,
        payment_intent_id,
        charge_id,
        checkout_session_id,
        currency,
        amount,
        ordered_at_utc,
        ordered_at_local,
        cast(ordered_at_local as date) as order_date,
        cast(date_trunc('month', ordered_at_local) as date) as order_month,
        case when customer_id is not null then
            row_number() over (partition by customer_id order by ordered_at_utc, order_id)
        end as customer_order_number,
    from resolved

)

select * from final
