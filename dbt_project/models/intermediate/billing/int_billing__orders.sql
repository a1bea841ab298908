{#- One row per order: money a customer paid, counted once however Stripe recorded it.
    An order is
      1. a paid invoice (amount_paid > 0), with or without a subscription;
      2. a succeeded PaymentIntent that paid no invoice;
      3. a succeeded Charge whose PaymentIntent is neither an invoice's nor a listed
         intent (a legacy charge without PaymentIntent, or an intent not read);
      4. a paid payment-mode Checkout Session whose PaymentIntent was seen nowhere above.
    Each rule skips the money an earlier rule counted, because the same payment shows up
    several times: an invoice is paid by a PaymentIntent (its invoice payments name it)
    whose latest Charge moved the money, and a Checkout Session produces a PaymentIntent.
    A subscription-mode session is never an order: its first invoice is.
      5. a paid order of an orders export (PANTAU_IMPORT_DIR: a shop system, a
         marketplace, history from before Stripe), its id prefixed 'files:'. An
         exported order whose id is one of the Stripe orders above is that order
         (an export of the same account), and the API's record stands. Refunded,
         pending and canceled exported orders are no money kept.
    customer_identity_source / customer_source_identity name the identity
    (int_identity__links) that paid. -#}
with

invoices as (

    select * from {{ ref('stg_stripe__invoices') }}

),

invoice_payments as (

    select * from {{ ref('stg_stripe__invoice_payments') }}

),

payment_intents as (

    select * from {{ ref('stg_stripe__payment_intents') }}

),

charges as (

    select * from {{ ref('stg_stripe__charges') }}

),

checkout_sessions as (

    select * from {{ ref('stg_stripe__checkout_sessions') }}

),

files_orders as (

    select * from {{ ref('stg_files__orders') }}

),

-- the PaymentIntent (or legacy Charge) that paid each invoice: its latest paid payment
invoice_money as (

    select
        invoice_id,
        arg_max(payment_intent_id, paid_at_utc) as payment_intent_id,
        arg_max(charge_id, paid_at_utc) as charge_id,
    from invoice_payments
    where status = 'paid'
    group by invoice_id

),

invoice_orders as (

    select
        invoices.invoice_id as order_id,
        'invoice' as order_source,
        invoices.customer_id as stripe_customer_id,
        invoices.invoice_id,
        invoices.subscription_id,
        invoice_money.payment_intent_id,
        coalesce(invoice_money.charge_id, payment_intents.latest_charge_id) as charge_id,
        cast(null as varchar) as checkout_session_id,
        invoices.currency,
        invoices.amount_paid as amount,
        invoices.paid_at_utc as ordered_at_utc,
    from invoices
    left join invoice_money on invoice_money.invoice_id = invoices.invoice_id
    left join payment_intents on payment_intents.payment_intent_id = invoice_money.payment_intent_id
    where invoices.status = 'paid'
        and invoices.amount_paid > 0

),

intent_orders as (

    select
        payment_intents.payment_intent_id as order_id,
        'payment_intent' as order_source,
        payment_intents.customer_id as stripe_customer_id,
        cast(null as varchar) as invoice_id,
        cast(null as varchar) as subscription_id,
        payment_intents.payment_intent_id,
        payment_intents.latest_charge_id as charge_id,
        checkout_sessions.checkout_session_id,
        payment_intents.currency,
        payment_intents.amount_received as amount,
        -- the money moved when the successful charge did; the intent's creation is the fallback
        coalesce(charges.created_at_utc, payment_intents.created_at_utc) as ordered_at_utc,
    from payment_intents
    left join charges on charges.charge_id = payment_intents.latest_charge_id
    left join checkout_sessions on checkout_sessions.payment_intent_id = payment_intents.payment_intent_id
    where payment_intents.is_succeeded
        and payment_intents.amount_received > 0
        and payment_intents.payment_intent_id not in (
            select payment_intent_id from invoice_orders where payment_intent_id is not null
        )

),

counted_intents as (

    select payment_intent_id from invoice_orders where payment_intent_id is not null
    union
    select payment_intent_id from intent_orders

),

charge_orders as (

    select
        charges.charge_id as order_id,
        'charge' as order_source,
        charges.customer_id as stripe_customer_id,
        cast(null as varchar) as invoice_id,
        cast(null as varchar) as subscription_id,
        charges.payment_intent_id,
        charges.charge_id,
        checkout_sessions.checkout_session_id,
        charges.currency,
        charges.amount_captured as amount,
        charges.created_at_utc as ordered_at_utc,
    from charges
    left join checkout_sessions on checkout_sessions.payment_intent_id = charges.payment_intent_id
    where charges.is_succeeded
        and charges.amount_captured > 0
        and charges.charge_id not in (select charge_id from invoice_orders where charge_id is not null)
        and coalesce(charges.payment_intent_id not in (select payment_intent_id from counted_intents), true)

),

session_orders as (

    select
        checkout_sessions.checkout_session_id as order_id,
        'checkout_session' as order_source,
        checkout_sessions.customer_id as stripe_customer_id,
        cast(null as varchar) as invoice_id,
        cast(null as varchar) as subscription_id,
        checkout_sessions.payment_intent_id,
        cast(null as varchar) as charge_id,
        checkout_sessions.checkout_session_id,
        checkout_sessions.currency,
        checkout_sessions.amount_total as amount,
        checkout_sessions.created_at_utc as ordered_at_utc,
    from checkout_sessions
    where checkout_sessions.is_paid
        and checkout_sessions.mode = 'payment'
        and checkout_sessions.amount_total > 0
        and coalesce(checkout_sessions.invoice_id not in (select invoice_id from invoice_orders), true)
        and coalesce(
            checkout_sessions.payment_intent_id not in (
                select payment_intent_id from counted_intents
                union
                select payment_intent_id from charge_orders where payment_intent_id is not null
            ),
            true
        )

),

stripe_orders as (

    select * from invoice_orders
    union all
    select * from intent_orders
    union all
    select * from charge_orders
    union all
    select * from session_orders

),

exported_orders as (

    select
        'files:' || files_orders.order_id as order_id,
        'export' as order_source,
        cast(null as varchar) as stripe_customer_id,
        cast(null as varchar) as invoice_id,
        cast(null as varchar) as subscription_id,
        cast(null as varchar) as payment_intent_id,
        cast(null as varchar) as charge_id,
        cast(null as varchar) as checkout_session_id,
        files_orders.currency,
        files_orders.total_amount as amount,
        coalesce(files_orders.paid_at_utc, files_orders.ordered_at_utc) as ordered_at_utc,
        'files_customer' as customer_identity_source,
        coalesce(files_orders.customer_id, files_orders.email_normalized) as customer_source_identity,
    from files_orders
    where files_orders.is_paid
        and files_orders.total_amount > 0
        and files_orders.order_id not in (select order_id from stripe_orders)

),

orders as (

    select
        *,
        'stripe_customer' as customer_identity_source,
        stripe_customer_id as customer_source_identity,
    from stripe_orders
    union all by name
    select * from exported_orders

),

final as (

    select
        order_id,
        order_source,
        stripe_customer_id,
        invoice_id,
        subscription_id,
        subscription_id is not null as is_subscription_order,
        payment_intent_id,
        charge_id,
        checkout_session_id,
        currency,
        amount,
        ordered_at_utc,
        {{ to_local('ordered_at_utc') }} as ordered_at_local,
        customer_identity_source,
        customer_source_identity,
    from orders

)

select * from final
