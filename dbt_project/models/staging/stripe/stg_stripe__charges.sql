with

source as (
    {{ latest_raw_records(source('stripe', 'charges')) }}
),

renamed as (
    select
        {{ json_text('record', '$.id') }} as charge_id,
        {{ json_text('record', '$.customer') }} as customer_id,
        {{ json_text('record', '$.payment_intent') }} as payment_intent_id,
        {{ json_text('record', '$.status') }} as status,
        cast(json_extract(record, '$.paid') as boolean) as is_paid,
        cast(json_extract(record, '$.refunded') as boolean) as is_refunded,
        lower({{ json_text('record', '$.currency') }}) as currency_lower,
        cast({{ json_text('record', '$.amount') }} as bigint) as amount_minor,
        cast({{ json_text('record', '$.amount_captured') }} as bigint) as amount_captured_minor,
        cast({{ json_text('record', '$.amount_refunded') }} as bigint) as amount_refunded_minor,
        {{ json_text('record', '$.description') }} as description,
        {{ utc_from_epoch(json_text('record', '$.created')) }} as created_at_utc,
        batch_id,
        extracted_at,
    from source
),

final as (
    select
        charge_id,
        customer_id,
        payment_intent_id,
        status,
        status = 'succeeded' and coalesce(is_paid, false) as is_succeeded,
        coalesce(is_refunded, false) as is_refunded,
        upper(currency_lower) as currency,
        {{ stripe_major_units('amount_minor', 'currency_lower') }} as amount,
        {{ stripe_major_units('amount_captured_minor', 'currency_lower') }} as amount_captured,
        {{ stripe_major_units('amount_refunded_minor', 'currency_lower') }} as amount_refunded,
        description,
        created_at_utc,
        {{ to_local('created_at_utc') }} as created_at_local,
        batch_id,
        extracted_at,
    from renamed
)

select * from final
