-- One row per recipient action. Every landed version of a recipient is unnested (not only the
-- latest): after the first run a version holds only the activity since the previous run.
with

source as (

    select
        record,
        batch_id,
        extracted_at,
    from {{ source('mailchimp', 'email_activity') }}

),

unnested as (

    select
        {{ json_text('record', '$.campaign_id') }} as campaign_id,
        {{ json_text('record', '$.list_id') }} as list_id,
        {{ json_text('record', '$.email_id') }} as email_id,
        {{ json_text('record', '$.email_address') }} as email_address,
        unnest(cast(json_extract(record, '$.activity') as json[])) as activity,
        batch_id,
        extracted_at,
    from source

),

renamed as (

    select
        campaign_id,
        list_id,
        email_id,
        email_address,
        {{ json_text('activity', '$.action') }} as action,
        {{ json_text('activity', '$.type') }} as bounce_type,
        {{ json_text('activity', '$.url') }} as url,
        {{ json_text('activity', '$.ip') }} as ip_address,
        {{ utc_from_iso(json_text('activity', '$.timestamp')) }} as occurred_at_utc,
        batch_id,
        extracted_at,
    from unnested

),

deduplicated as (

    select *
    from renamed
    qualify row_number() over (
        partition by campaign_id, email_id, action, occurred_at_utc, coalesce(url, '')
        order by batch_id desc
    ) = 1

),

final as (

    select
        md5(concat_ws('|', campaign_id, email_id, action, cast(occurred_at_utc as varchar), coalesce(url, '')))
            as email_activity_id,
        campaign_id,
        list_id,
        email_id,
        email_address,
        lower(trim(email_address)) as email_normalized,
        action,
        bounce_type,
        url,
        ip_address,
        occurred_at_utc,
        {{ to_local('occurred_at_utc') }} as occurred_at_local,
        batch_id,
        extracted_at,
    from deduplicated

)

select * from final
