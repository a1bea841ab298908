{#- What recipients did with campaign emails, from exports: one row per action, the
    newest imported version of each, in stg_mailchimp__email_activities' names. -#}
with

source as (

    {{ latest_raw_records(source('files', 'email_activities')) }}

),

renamed as (

    select
        {{ files_text('campaign_id') }} as campaign_id,
        {{ files_text('campaign_name') }} as campaign_name,
        {{ files_text('email_address') }} as email_address,
        {{ files_text('action') }} as action,
        {{ files_text('bounce_type') }} as bounce_type,
        {{ files_text('url') }} as url,
        {{ files_utc('occurred_at') }} as occurred_at_utc,
        record_key,
        {{ files_origin() }},
        batch_id,
        extracted_at,
    from source

),

final as (

    select
        md5(record_key) as email_activity_id,
        campaign_id,
        campaign_name,
        email_address,
        {{ normalize_email('email_address') }} as email_normalized,
        action,
        bounce_type,
        url,
        occurred_at_utc,
        {{ to_local('occurred_at_utc') }} as occurred_at_local,
        source_file,
        source_line,
        batch_id,
        extracted_at,
    from renamed

)

select * from final
