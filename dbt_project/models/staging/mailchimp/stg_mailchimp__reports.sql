with

source as (

    {{ latest_raw_records(source('mailchimp', 'reports')) }}

),

renamed as (

    select
        {{ json_text('record', '$.id') }} as campaign_id,
        {{ json_text('record', '$.list_id') }} as list_id,
        {{ json_text('record', '$.campaign_title') }} as campaign_title,
        cast({{ json_text('record', '$.emails_sent') }} as bigint) as emails_sent,
        cast({{ json_text('record', '$.bounces.hard_bounces') }} as bigint) as hard_bounce_count,
        cast({{ json_text('record', '$.bounces.soft_bounces') }} as bigint) as soft_bounce_count,
        cast({{ json_text('record', '$.unsubscribed') }} as bigint) as unsubscribe_count,
        cast({{ json_text('record', '$.abuse_reports') }} as bigint) as abuse_report_count,
        cast({{ json_text('record', '$.opens.opens_total') }} as bigint) as open_count,
        cast({{ json_text('record', '$.opens.unique_opens') }} as bigint) as unique_open_count,
        cast({{ json_text('record', '$.opens.open_rate') }} as double) as open_rate,
        cast({{ json_text('record', '$.clicks.clicks_total') }} as bigint) as click_count,
        cast({{ json_text('record', '$.clicks.unique_clicks') }} as bigint) as unique_click_count,
        cast({{ json_text('record', '$.clicks.unique_subscriber_clicks') }} as bigint) as unique_subscriber_click_count,
        cast({{ json_text('record', '$.clicks.click_rate') }} as double) as click_rate,
        {{ utc_from_iso(json_text('record', '$.send_time')) }} as sent_at_utc,
        batch_id,
        extracted_at,
    from source

),

final as (

    select
        campaign_id,
        list_id,
        campaign_title,
        emails_sent,
        hard_bounce_count,
        soft_bounce_count,
        emails_sent - hard_bounce_count - soft_bounce_count as delivered_count,
        unsubscribe_count,
        abuse_report_count,
        open_count,
        unique_open_count,
        open_rate,
        click_count,
        unique_click_count,
        unique_subscriber_click_count,
        click_rate,
        sent_at_utc,
        {{ to_local('sent_at_utc') }} as sent_at_local,
        batch_id,
        extracted_at,
    from renamed

)

select * from final
