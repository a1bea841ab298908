with

source as (
    {{ latest_raw_records(source('stripe', 'checkout_sessions')) }}
),

renamed as (
    select
        {{ json_text('record', '$.id') }} as checkout_session_id,
        {{ json_text('record', '$.customer') }} as customer_id,
        {{ json_text('record', '$.mode') }} as mode,
        {{ json_text('record', '$.status') }} as status,
        {{ json_text('record', '$.payment_status') }} as payment_status,
        {{ json_text('record', '$.payment_intent') }} as payment_intent_id,
        {{ json_text('record', '$.subscription') }} as subscription_id,
        {{ json_text('record', '$.invoice') }} as invoice_id,
        {{ json_text('record', '$.client_reference_id') }} as client_reference_id,
        lower({{ json_text('record', '$.currency') }}) as currency_lower,
        cast({{ json_text('record', '$.amount_total') }} as bigint) as amount_total_minor,
        {{ utc_from_epoch(json_text('record', '$.created')) }} as created_at_utc,
        batch_id,
        extracted_at,
    from source
),

final as (
    select
        checkout_session_id,
        customer_id,
        mode,
        status,
        payment_status,
        status = 'complete' and payment_status = 'paid' as is_paid,
        payment_intent_id,
        subscription_id,
        invoice_id,
        client_reference_id,
        upper(currency_lower) as currency,
        {{ stripe_major_units('amount_total_minor', 'currency_lower') }} as amount_total,
        created_at_utc,
        {{ to_local('created_at_utc') }} as created_at_local,
        batch_id,
        extracted_at,
    from renamed
)

select * from final
