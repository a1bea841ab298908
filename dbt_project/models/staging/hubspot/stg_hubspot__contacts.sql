{#- Contacts as the CRM holds them: duplicates and handles written by hand
    (missing, with '@', capitalised) are kept; *_normalized columns are the
    forms identity matching joins on. -#}
with

source as (
    {{ latest_raw_records(source('hubspot', 'contacts')) }}
),

renamed as (
    select
        {{ json_text('record', '$.id') }} as contact_id,
        {{ json_text('record', '$.properties.email') }} as email,
        {{ json_text('record', '$.properties.firstname') }} as first_name,
        {{ json_text('record', '$.properties.lastname') }} as last_name,
        {{ json_text('record', '$.properties.lifecyclestage') }} as lifecycle_stage,
        {{ json_text('record', '$.properties.country') }} as country,
        {{ json_text('record', '$.properties.twitterhandle') }} as x_handle,
        {{ json_text('record', '$.properties.instagram_handle') }} as instagram_handle,
        {{ json_text('record', '$.properties.app_user_id') }} as app_user_id,
        cast(json_extract(record, '$.archived') as boolean) as is_archived,
        {{ utc_from_iso(json_text('record', '$.properties.createdate')) }} as created_at_utc,
        {{ utc_from_iso(json_text('record', '$.properties.lastmodifieddate')) }} as last_modified_at_utc,
        batch_id,
        extracted_at,
    from source
),

final as (
    select
        contact_id,
        email,
        nullif(lower(trim(email)), '') as email_normalized,
        first_name,
        last_name,
        lifecycle_stage,
        country,
        x_handle,
        nullif(lower(ltrim(trim(x_handle), '@')), '') as x_handle_normalized,
        instagram_handle,
        nullif(lower(ltrim(trim(instagram_handle), '@')), '') as instagram_handle_normalized,
        app_user_id,
        is_archived,
        created_at_utc,
        {{ to_local('created_at_utc') }} as created_at_local,
        last_modified_at_utc,
        {{ to_local('last_modified_at_utc') }} as last_modified_at_local,
        batch_id,
        extracted_at,
    from renamed
)

select * from final
