with

source as (
    {{ latest_raw_records(source('stripe', 'payment_intents')) }}
),

renamed as (
    select
        {{ json_text('record', '$.id') }} as payment_intent_id,
        {{ json_text('record', '$.customer') }} as customer_id,
        {{ json_text('record', '$.status') }} as status,
        lower({{ json_text('record', '$.currency') }}) as currency_lower,
        cast({{ json_text('record', '$.amount') }} as bigint) as amount_minor,
        cast({{ json_text('record', '$.amount_received') }} as bigint) as amount_received_minor,
        {{ json_text('record', '$.latest_charge') }} as latest_charge_id,
        {{ json_text('record', '$.description') }} as description,
        {{ utc_from_epoch(json_text('record', '$.created')) }} as created_at_utc,
        batch_id,
        extracted_at,
    from source
),

final as (
    select
        payment_intent_id,
        customer_id,
        status,
        status = 'succeeded' as is_succeeded,
        upper(currency_lower) as currency,
        {{ stripe_major_units('amount_minor', 'currency_lower') }} as amount,
        {{ stripe_major_units('amount_received_minor', 'currency_lower') }} as amount_received,
        latest_charge_id,
        description,
        created_at_utc,
        {{ to_local('created_at_utc') }} as created_at_local,
        batch_id,
        extracted_at,
    from renamed
)

select * from final
