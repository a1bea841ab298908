with

source as (
    {{ latest_raw_records(source('stripe', 'customers')) }}
),

renamed as (
    select
        {{ json_text('record', '$.id') }} as customer_id,
        {{ json_text('record', '$.email') }} as email,
        lower(trim({{ json_text('record', '$.email') }})) as email_normalized,
        {{ json_text('record', '$.name') }} as customer_name,
        {{ json_text('record', '$.address.country') }} as country_code,
        upper({{ json_text('record', '$.currency') }}) as currency,
        {{ json_text('record', '$.metadata.hubspot_contact_id') }} as hubspot_contact_id,
        {{ json_text('record', '$.metadata.app_user_id') }} as app_user_id,
        cast(json_extract(record, '$.delinquent') as boolean) as is_delinquent,
        cast(json_extract(record, '$.livemode') as boolean) as is_livemode,
        {{ utc_from_epoch(json_text('record', '$.created')) }} as created_at_utc,
        batch_id,
        extracted_at,
    from source
),

final as (
    select
        customer_id,
        email,
        email_normalized,
        customer_name,
        country_code,
        currency,
        hubspot_contact_id,
        app_user_id,
        is_delinquent,
        is_livemode,
        created_at_utc,
        {{ to_local('created_at_utc') }} as created_at_local,
        batch_id,
        extracted_at,
    from renamed
)

select * from final
