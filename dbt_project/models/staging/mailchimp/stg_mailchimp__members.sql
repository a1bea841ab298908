with

source as (

    {{ latest_raw_records(source('mailchimp', 'members')) }}

),

renamed as (

    select
        record_key as member_key,
        {{ json_text('record', '$.id') }} as member_id,
        {{ json_text('record', '$.list_id') }} as list_id,
        {{ json_text('record', '$.email_address') }} as email_address,
        {{ json_text('record', '$.status') }} as status,
        {{ json_text('record', '$.full_name') }} as full_name,
        {{ json_text('record', '$.language') }} as language,
        {{ json_text('record', '$.location.country_code') }} as country_code,
        {{ json_text('record', '$.source') }} as signup_source,
        {{ json_text('record', '$.unsubscribe_reason') }} as unsubscribe_reason,
        cast({{ json_text('record', '$.member_rating') }} as bigint) as member_rating,
        cast({{ json_text('record', '$.stats.avg_open_rate') }} as double) as avg_open_rate,
        cast({{ json_text('record', '$.stats.avg_click_rate') }} as double) as avg_click_rate,
        {{ utc_from_iso(json_text('record', '$.timestamp_opt')) }} as opted_in_at_utc,
        {{ utc_from_iso(json_text('record', '$.last_changed')) }} as last_changed_at_utc,
        batch_id,
        extracted_at,
    from source

),

final as (

    select
        member_key,
        member_id,
        list_id,
        email_address,
        lower(trim(email_address)) as email_normalized,
        status,
        status = 'subscribed' as is_subscribed,
        full_name,
        language,
        country_code,
        signup_source,
        unsubscribe_reason,
        member_rating,
        avg_open_rate,
        avg_click_rate,
        opted_in_at_utc,
        {{ to_local('opted_in_at_utc') }} as opted_in_at_local,
        last_changed_at_utc,
        {{ to_local('last_changed_at_utc') }} as last_changed_at_local,
        batch_id,
        extracted_at,
    from renamed

)

select * from final
