{#- L1 repeat purchases: one row per cohort month of one-off buyers - customers by the
    month of their first one-off order (fct_orders without a subscription) - with how
    many ordered again by the as-of moment and how often.  Subscription renewals are
    not repeat purchases here: a subscriber's staying is retention (retention_cohorts,
    churn_monthly). -#}
with

orders as (

    select * from {{ ref('fct_orders') }}
    where customer_id is not null
        and not is_subscription_order

),

buyers as (

    select
        customer_id,
        min(order_month) as cohort_month,
        count(*) as orders,
        sum(amount) as revenue,
        max(currency) as currency,
    from orders
    group by customer_id

),

final as (

    select
        cohort_month,
        count(*) as buyers,
        count(*) filter (where orders >= 2) as repeat_buyers,
        {{ safe_ratio('count(*) filter (where orders >= 2)', 'count(*)') }} as repeat_purchase_rate,
        sum(orders) as orders,
        {{ safe_ratio('sum(orders)', 'count(*)') }} as orders_per_buyer,
        cast(sum(revenue) as decimal(18, 2)) as revenue,
        cast({{ safe_ratio('sum(revenue)', 'sum(orders)') }} as decimal(18, 2)) as average_order_value,
        max(currency) as currency,
    from buyers
    group by cohort_month

)

select * from final
