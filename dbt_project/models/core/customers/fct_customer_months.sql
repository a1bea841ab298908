{#- One row per customer and local calendar month, from the signup month to the
    as-of month (int_billing__as_of; the as-of month is partial and its "end" is
    the as-of moment).  A table, not incremental: a month's values change after it
    closes (a save is inferred from a later renewal invoice, a late payment lands,
    Stripe events arrive up to 30 days late).  A customer is active in a month when
    subscribed at some moment of it or with an order paid in it (fct_orders: a paid
    invoice or a one-off payment); revenue is what their orders paid in the month. -#}
with

customers as (

    select * from {{ ref('dim_customers') }}

),

as_of as (

    select * from {{ ref('int_billing__as_of') }}

),

subscriptions as (

    select * from {{ ref('int_billing__subscriptions') }}
    where customer_id is not null

),

history as (

    select * from {{ ref('int_billing__subscription_history') }}
    where customer_id is not null

),

orders as (

    select * from {{ ref('fct_orders') }}
    where customer_id is not null

),

months as (

    select
        customers.customer_id,
        customers.currency,
        cast(month_start as date) as month,
        cast(month_start as timestamp) as month_start_local,
        cast(month_start + interval 1 month as timestamp) as next_month_start_local,
        -- the state "at month end" of the partial as-of month is the state at the as-of moment
        least(cast(month_start + interval 1 month as timestamp), as_of.as_of_at_local) as month_end_local,
        as_of.as_of_month,
    from customers
    cross join as_of
    cross join lateral (
        select unnest(generate_series(
            cast(customers.signup_cohort_month as timestamp),
            cast(as_of.as_of_month as timestamp),
            interval 1 month
        )) as month_start
    )

),

subscription_months as (

    select
        months.customer_id,
        months.month,
        bool_or(
            subscriptions.started_at_local <= months.month_start_local
            and coalesce(subscriptions.ended_at_local > months.month_start_local, true)
        ) as is_active_at_month_start,
        bool_or(
            subscriptions.started_at_local <= months.month_end_local
            and coalesce(subscriptions.ended_at_local > months.month_end_local, true)
        ) as is_active_at_month_end,
        bool_or(
            subscriptions.started_at_local < months.next_month_start_local
            and coalesce(subscriptions.ended_at_local >= months.month_start_local, true)
        ) as is_subscribed_in_month,
        bool_or(
            subscriptions.ended_at_local >= months.month_start_local
            and subscriptions.ended_at_local < months.next_month_start_local
        ) as has_subscription_ended_in_month,
    from months
    inner join subscriptions on subscriptions.customer_id = months.customer_id
    group by months.customer_id, months.month

),

history_months as (

    select
        months.customer_id,
        months.month,
        sum(history.mrr_after) filter (
            where history.changed_at_local <= months.month_end_local
            and coalesce(history.valid_to_local > months.month_end_local, true)
        ) as mrr_at_month_end,
        bool_or(history.change_type = 'cancellation_request' and history.changed_at_local >= months.month_start_local
            and history.changed_at_local < months.next_month_start_local) as requested_cancellation_in_month,
        bool_or(history.change_type = 'save' and history.changed_at_local >= months.month_start_local
            and history.changed_at_local < months.next_month_start_local) as saved_in_month,
        sum(history.mrr_after) filter (
            where history.change_type = 'save' and history.changed_at_local >= months.month_start_local
            and history.changed_at_local < months.next_month_start_local
        ) as saved_mrr,
    from months
    inner join history on history.customer_id = months.customer_id
    group by months.customer_id, months.month

),

order_months as (

    select
        customer_id,
        order_month as month,
        sum(amount) as revenue_in_month,
        count(*) as orders_in_month,
        count(*) filter (where order_source = 'invoice') as paid_invoice_count,
        count(*) filter (where not is_subscription_order) as one_off_orders_in_month,
    from orders
    group by customer_id, order_month

),

final as (

    select
        months.customer_id,
        months.month,
        cast(datediff('month', customers.signup_cohort_month, months.month) as integer) as months_since_signup,
        cast(datediff('month', customers.first_purchase_month, months.month) as integer) as months_since_first_purchase,
        months.month = months.as_of_month as is_partial_month,
        coalesce(subscription_months.is_active_at_month_start, false) as is_active_at_month_start,
        coalesce(subscription_months.is_active_at_month_end, false) as is_active_at_month_end,
        coalesce(subscription_months.is_subscribed_in_month, false)
            or coalesce(order_months.orders_in_month, 0) > 0 as is_paying_in_month,
        coalesce(order_months.revenue_in_month, 0) as revenue_in_month,
        coalesce(order_months.orders_in_month, 0) as orders_in_month,
        coalesce(order_months.one_off_orders_in_month, 0) as one_off_orders_in_month,
        coalesce(order_months.paid_invoice_count, 0) as paid_invoice_count,
        months.currency,
        cast(coalesce(history_months.mrr_at_month_end, 0) as decimal(18, 2)) as mrr_at_month_end,
        coalesce(subscription_months.has_subscription_ended_in_month, false)
            and not coalesce(subscription_months.is_active_at_month_end, false) as churned_in_month,
        coalesce(history_months.requested_cancellation_in_month, false) as requested_cancellation_in_month,
        coalesce(history_months.saved_in_month, false) as saved_in_month,
        cast(coalesce(history_months.saved_mrr, 0) as decimal(18, 2)) as saved_mrr,
        customers.is_social_customer,
        coalesce(customers.social_since_date < months.month, false) as is_social_by_month_start,
        customers.first_plan,
    from months
    inner join customers on customers.customer_id = months.customer_id
    left join subscription_months
        on subscription_months.customer_id = months.customer_id
        and subscription_months.month = months.month
    left join history_months
        on history_months.customer_id = months.customer_id
        and history_months.month = months.month
    left join order_months
        on order_months.customer_id = months.customer_id
        and order_months.month = months.month

)

select * from final
