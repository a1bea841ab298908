{#- Zendesk users: end users (requesters) and agents. Social handles live in
    custom user fields and are often missing; email is missing for users a
    social channel created. -#}
with

source as (

    {{ latest_raw_records(source('zendesk', 'users')) }}

),

renamed as (

    select
        {{ json_text('record', '$.id') }} as user_id,
        {{ json_text('record', '$.name') }} as user_name,
        {{ json_text('record', '$.email') }} as email,
        {{ json_text('record', '$.role') }} as role,
        {{ json_text('record', '$.user_fields.instagram_username') }} as instagram_username,
        {{ json_text('record', '$.user_fields.twitter_username') }} as twitter_username,
        {{ json_text('record', '$.iana_time_zone') }} as time_zone,
        {{ json_text('record', '$.locale') }} as locale,
        cast(json_extract(record, '$.active') as boolean) as is_active,
        cast(json_extract(record, '$.suspended') as boolean) as is_suspended,
        {{ json_text('record', '$.created_at') }} as created_at,
        {{ json_text('record', '$.updated_at') }} as updated_at,
        batch_id,
        extracted_at,
    from source

),

final as (

    select
        user_id,
        user_name,
        lower(email) as email,
        role,
        role in ('agent', 'admin') as is_agent,
        lower(ltrim(instagram_username, '@')) as instagram_username,
        lower(ltrim(twitter_username, '@')) as twitter_username,
        time_zone,
        locale,
        coalesce(is_active, true) as is_active,
        coalesce(is_suspended, false) as is_suspended,
        {{ utc_from_iso('created_at') }} as created_at_utc,
        {{ to_local(utc_from_iso('created_at')) }} as created_at_local,
        {{ utc_from_iso('updated_at') }} as updated_at_utc,
        {{ to_local(utc_from_iso('updated_at')) }} as updated_at_local,
        batch_id,
        extracted_at,
    from renamed

)

select * from final
