{#- The current state of each subscription: the newest of the listed snapshots and
    the objects carried by customer.subscription.* events (the rule is in
    stripe_latest_subscription_versions, shared with stg_stripe__subscription_items). -#}
with

snapshots as (
    {{ latest_raw_records(source('stripe', 'subscriptions')) }}
),

events as (
    {{ latest_raw_records(source('stripe', 'events')) }}
),

latest as (
    {{ stripe_latest_subscription_versions('snapshots', 'events') }}
),

renamed as (
    select
        {{ json_text('subscription', '$.id') }} as subscription_id,
        {{ json_text('subscription', '$.customer') }} as customer_id,
        {{ json_text('subscription', '$.status') }} as status,
        upper({{ json_text('subscription', '$.currency') }}) as currency,
        cast(json_extract(subscription, '$.cancel_at_period_end') as boolean) as cancel_at_period_end,
        {{ json_text('subscription', '$.cancellation_details.reason') }} as cancellation_reason,
        {{ json_text('subscription', '$.cancellation_details.feedback') }} as cancellation_feedback,
        {{ json_text('subscription', '$.collection_method') }} as collection_method,
        {{ json_text('subscription', '$.latest_invoice') }} as latest_invoice_id,
        cast(json_extract(subscription, '$.items.total_count') as bigint) as item_count,
        {{ utc_from_epoch(json_text('subscription', '$.created')) }} as created_at_utc,
        {{ utc_from_epoch(json_text('subscription', '$.start_date')) }} as started_at_utc,
        {{ utc_from_epoch(json_text('subscription', '$.cancel_at')) }} as cancel_at_utc,
        {{ utc_from_epoch(json_text('subscription', '$.canceled_at')) }} as canceled_at_utc,
        {{ utc_from_epoch(json_text('subscription', '$.ended_at')) }} as ended_at_utc,
        state_source,
        batch_id,
        extracted_at,
    from latest
),

final as (
    select
        subscription_id,
        customer_id,
        status,
        status in ('active', 'trialing', 'past_due') as is_active,
        currency,
        cancel_at_period_end,
        cancellation_reason,
        cancellation_feedback,
        collection_method,
        latest_invoice_id,
        item_count,
        item_count > 1 as has_add_on,
        created_at_utc,
        {{ to_local('created_at_utc') }} as created_at_local,
        started_at_utc,
        {{ to_local('started_at_utc') }} as started_at_local,
        cancel_at_utc,
        {{ to_local('cancel_at_utc') }} as cancel_at_local,
        canceled_at_utc,
        {{ to_local('canceled_at_utc') }} as canceled_at_local,
        ended_at_utc,
        {{ to_local('ended_at_utc') }} as ended_at_local,
        state_source,
        batch_id,
        extracted_at,
    from renamed
)

select * from final
