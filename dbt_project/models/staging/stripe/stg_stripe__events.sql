{#- Subscription events; a cancellation request sets cancel_at_period_end
    false -> true, a save reverts it true -> false (METRICS L4 / X4). -#}
with

source as (
    {{ latest_raw_records(source('stripe', 'events')) }}
),

renamed as (
    select
        {{ json_text('record', '$.id') }} as event_id,
        {{ json_text('record', '$.type') }} as event_type,
        {{ json_text('record', '$.api_version') }} as api_version,
        {{ json_text('record', '$.request.id') }} as request_id,
        {{ json_text('record', '$.data.object.id') }} as subscription_id,
        {{ json_text('record', '$.data.object.customer') }} as customer_id,
        {{ json_text('record', '$.data.object.status') }} as subscription_status,
        cast(json_extract(record, '$.data.object.cancel_at_period_end') as boolean) as cancel_at_period_end,
        cast(
            json_extract(record, '$.data.previous_attributes.cancel_at_period_end') as boolean
        ) as previous_cancel_at_period_end,
        json_exists(record, '$.data.previous_attributes.items') as changed_items,
        {{ utc_from_epoch(json_text('record', '$.created')) }} as created_at_utc,
        batch_id,
        extracted_at,
    from source
),

final as (
    select
        event_id,
        event_type,
        api_version,
        request_id,
        subscription_id,
        customer_id,
        subscription_status,
        cancel_at_period_end,
        previous_cancel_at_period_end,
        coalesce(previous_cancel_at_period_end = false and cancel_at_period_end, false) as is_cancellation_request,
        coalesce(previous_cancel_at_period_end and cancel_at_period_end = false, false) as is_cancellation_reverted,
        coalesce(changed_items, false) as changed_items,
        created_at_utc,
        {{ to_local('created_at_utc') }} as created_at_local,
        batch_id,
        extracted_at,
    from renamed
)

select * from final
