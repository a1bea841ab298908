with

source as (

    {{ latest_raw_records(source('mailchimp', 'campaigns')) }}

),

renamed as (

    select
        {{ json_text('record', '$.id') }} as campaign_id,
        {{ json_text('record', '$.type') }} as campaign_type,
        {{ json_text('record', '$.status') }} as status,
        {{ json_text('record', '$.recipients.list_id') }} as list_id,
        {{ json_text('record', '$.settings.title') }} as campaign_title,
        {{ json_text('record', '$.settings.subject_line') }} as subject_line,
        {{ json_text('record', '$.tracking.google_analytics') }} as utm_campaign,
        cast({{ json_text('record', '$.emails_sent') }} as bigint) as emails_sent,
        cast({{ json_text('record', '$.report_summary.opens') }} as bigint) as open_count,
        cast({{ json_text('record', '$.report_summary.unique_opens') }} as bigint) as unique_open_count,
        cast({{ json_text('record', '$.report_summary.clicks') }} as bigint) as click_count,
        cast({{ json_text('record', '$.report_summary.subscriber_clicks') }} as bigint) as subscriber_click_count,
        {{ utc_from_iso(json_text('record', '$.create_time')) }} as created_at_utc,
        {{ utc_from_iso(json_text('record', '$.send_time')) }} as sent_at_utc,
        batch_id,
        extracted_at,
    from source

),

final as (

    select
        campaign_id,
        campaign_type,
        status,
        list_id,
        campaign_title,
        subject_line,
        utm_campaign,
        emails_sent,
        open_count,
        unique_open_count,
        click_count,
        subscriber_click_count,
        created_at_utc,
        {{ to_local('created_at_utc') }} as created_at_local,
        sent_at_utc,
        {{ to_local('sent_at_utc') }} as sent_at_local,
        batch_id,
        extracted_at,
    from renamed

)

select * from final
