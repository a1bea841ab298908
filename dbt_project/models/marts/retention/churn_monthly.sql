{#- L2 churn, L3 member retention and L4 saves, one row per local month from the
    first subscription month to the as-of month (the as-of month is partial: its
    "end" is the as-of moment).
    L2 - customers whose subscription ended in the month (and who had none active at
    month end) among the customers active at month start / customers active at month
    start.  A customer who starts and ends within one month is in neither.
    L3 - subscriptions active at month end that were active at month start /
    subscriptions active at month start (subscription grain, where L2 is customers).
    L4 - saves: a cancellation request (cancel_at_period_end set) reverted, or
    outlived its period end, dated at the save; saved value = the MRR kept.  Stripe
    keeps events 30 days, so saves before the first Stripe event seen are missing:
    is_save_history_complete says whether the whole month lies after it.  Money is in
    the account's one billing currency (a singular test guards that there is one). -#}
with

customer_months as (

    select * from {{ ref('fct_customer_months') }}

),

subscription_events as (

    select * from {{ ref('fct_subscription_events') }}

),

as_of as (

    select * from {{ ref('int_billing__as_of') }}

),

subscriptions as (

    select
        subscription_id,
        min(occurred_at_local) filter (where event_type = 'started') as started_at_local,
        min(occurred_at_local) filter (where event_type = 'ended') as ended_at_local,
    from subscription_events
    group by subscription_id

),

-- Requests by the month they were made, and whether the next cancellation change saved them.
requests as (

    select
        customer_id,
        cast(date_trunc('month', occurred_at_local) as date) as month,
        coalesce(
            lead(event_type) over (partition by subscription_id order by occurred_at_utc, event_type) = 'save',
            false
        ) as was_saved,
        event_type,
    from subscription_events
    where event_type in ('cancellation_request', 'save', 'ended')

),

-- Seen Stripe events begin here; saves before it are invisible.
event_coverage as (

    select min(occurred_at_local) as events_observed_from_local,
    from subscription_events
    where evidence_source = 'event'

),

months as (

    select
        cast(month_start as date) as month,
        cast(month_start as timestamp) as month_start_local,
        least(cast(month_start + interval 1 month as timestamp), as_of.as_of_at_local) as month_end_local,
        cast(month_start as date) = as_of.as_of_month as is_partial_month,
    from as_of
    cross join lateral (
        select unnest(generate_series(
            (select cast(date_trunc('month', min(started_at_local)) as timestamp) from subscriptions),
            cast(as_of.as_of_month as timestamp),
            interval 1 month
        )) as month_start
    )

),

customer_rollup as (

    select
        month,
        count(*) filter (where is_active_at_month_start) as customers_active_at_start,
        count(*) filter (where is_active_at_month_start and churned_in_month) as churned_customers,
        count(*) filter (where requested_cancellation_in_month) as cancellation_requesting_customers,
        count(*) filter (where saved_in_month) as saved_customers,
        sum(saved_mrr) as saved_mrr,
        min(currency) filter (where saved_in_month) as saved_currency,
        min(currency) as any_currency,
    from customer_months
    group by month

),

subscription_rollup as (

    select
        months.month,
        count(*) filter (
            where subscriptions.started_at_local <= months.month_start_local
            and coalesce(subscriptions.ended_at_local > months.month_start_local, true)
        ) as subscriptions_active_at_start,
        count(*) filter (
            where subscriptions.started_at_local <= months.month_start_local
            and coalesce(subscriptions.ended_at_local > months.month_end_local, true)
        ) as subscriptions_retained,
    from months
    cross join subscriptions
    group by months.month

),

request_rollup as (

    select
        month,
        count(*) as cancellation_requests,
        count(*) filter (where was_saved) as requests_saved,
    from requests
    where event_type = 'cancellation_request'
    group by month

),

final as (

    select
        months.month,
        months.is_partial_month,
        coalesce(customer_rollup.customers_active_at_start, 0) as customers_active_at_start,
        coalesce(customer_rollup.churned_customers, 0) as churned_customers,
        {{ safe_ratio('customer_rollup.churned_customers', 'customer_rollup.customers_active_at_start') }} as churn_rate,
        coalesce(subscription_rollup.subscriptions_active_at_start, 0) as subscriptions_active_at_start,
        coalesce(subscription_rollup.subscriptions_retained, 0) as subscriptions_retained,
        {{ safe_ratio('subscription_rollup.subscriptions_retained', 'subscription_rollup.subscriptions_active_at_start') }}
            as member_retention_rate,
        coalesce(customer_rollup.cancellation_requesting_customers, 0) as cancellation_requesting_customers,
        coalesce(request_rollup.cancellation_requests, 0) as cancellation_requests,
        coalesce(request_rollup.requests_saved, 0) as requests_saved,
        {{ safe_ratio('request_rollup.requests_saved', 'request_rollup.cancellation_requests') }} as request_save_rate,
        coalesce(customer_rollup.saved_customers, 0) as saved_customers,
        cast(coalesce(customer_rollup.saved_mrr, 0) as decimal(18, 2)) as saved_mrr,
        coalesce(customer_rollup.saved_currency, customer_rollup.any_currency) as currency,
        event_coverage.events_observed_from_local,
        coalesce(months.month_start_local >= event_coverage.events_observed_from_local, false)
            as is_save_history_complete,
    from months
    cross join event_coverage
    left join customer_rollup on customer_rollup.month = months.month
    left join subscription_rollup on subscription_rollup.month = months.month
    left join request_rollup on request_rollup.month = months.month

)

select * from final
