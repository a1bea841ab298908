with

source as (

    {{ latest_raw_records(source('mailchimp', 'lists')) }}

),

final as (

    select
        {{ json_text('record', '$.id') }} as list_id,
        {{ json_text('record', '$.name') }} as list_name,
        cast({{ json_text('record', '$.stats.member_count') }} as bigint) as member_count,
        cast({{ json_text('record', '$.stats.unsubscribe_count') }} as bigint) as unsubscribe_count,
        cast({{ json_text('record', '$.stats.cleaned_count') }} as bigint) as cleaned_count,
        cast({{ json_text('record', '$.stats.campaign_count') }} as bigint) as campaign_count,
        cast({{ json_text('record', '$.stats.open_rate') }} as double) / 100 as open_rate,
        cast({{ json_text('record', '$.stats.click_rate') }} as double) / 100 as click_rate,
        {{ utc_from_iso(json_text('record', '$.date_created')) }} as created_at_utc,
        {{ to_local(utc_from_iso(json_text('record', '$.date_created'))) }} as created_at_local,
        {{ utc_from_iso("nullif(" ~ json_text('record', '$.stats.campaign_last_sent') ~ ", '')") }} as campaign_last_sent_at_utc,
        batch_id,
        extracted_at,
    from source

)

select * from final
