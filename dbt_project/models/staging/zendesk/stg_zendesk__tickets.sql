{#- Tickets, latest exported state of each. via.channel is conformed into a
    channel and an is_social_channel flag; a social ticket's sender identity
    (via.source.from) is kept for matching to the CRM by handle / platform id. -#}
with

source as (

    {{ latest_raw_records(source('zendesk', 'tickets')) }}

),

renamed as (

    select
        {{ json_text('record', '$.id') }} as ticket_id,
        {{ json_text('record', '$.via.channel') }} as via_channel,
        {{ json_text('record', '$.via.source.rel') }} as via_source_rel,
        {{ json_text('record', '$.via.source.from.username') }} as social_username,
        {{ json_text('record', '$.via.source.from.facebook_id') }} as social_facebook_id,
        {{ json_text('record', '$.via.source.from.name') }} as social_display_name,
        {{ json_text('record', '$.via.source.from.address') }} as from_email,
        {{ json_text('record', '$.type') }} as ticket_type,
        {{ json_text('record', '$.subject') }} as subject,
        {{ json_text('record', '$.description') }} as description,
        {{ json_text('record', '$.status') }} as status,
        {{ json_text('record', '$.priority') }} as priority,
        {{ json_text('record', '$.requester_id') }} as requester_id,
        {{ json_text('record', '$.assignee_id') }} as assignee_id,
        {{ json_text('record', '$.group_id') }} as group_id,
        {{ json_text('record', '$.problem_id') }} as problem_id,
        cast(json_extract(record, '$.has_incidents') as boolean) as has_incidents,
        coalesce(cast(json_extract(record, '$.tags') as varchar[]), []) as tags,
        {{ json_text('record', '$.satisfaction_rating.score') }} as satisfaction_score,
        {{ json_text('record', '$.created_at') }} as created_at,
        {{ json_text('record', '$.updated_at') }} as updated_at,
        batch_id,
        extracted_at,
    from source

),

final as (

    select
        ticket_id,
        via_channel as channel,
        case
            when via_channel in ('twitter', 'facebook', 'instagram_dm') then 'social'
            when via_channel = 'email' then 'email'
            when via_channel = 'voice' then 'phone'
            when via_channel in ('chat', 'native_messaging') then 'chat'
            when via_channel in ('web', 'help_center', 'mobile', 'mobile_sdk') then 'web'
            else 'other'
        end as channel_group,
        coalesce(via_channel in ('twitter', 'facebook', 'instagram_dm'), false) as is_social_channel,
        case
            when via_channel = 'twitter' then 'x'
            when via_channel = 'facebook' then 'facebook'
            when via_channel = 'instagram_dm' then 'instagram'
        end as social_platform,
        via_source_rel,
        lower(social_username) as social_username,
        social_facebook_id,
        social_display_name,
        lower(from_email) as from_email,
        ticket_type,
        subject,
        description,
        status,
        priority,
        requester_id,
        assignee_id,
        group_id,
        problem_id,
        coalesce(has_incidents, false) as has_incidents,
        tags,
        list_contains(tags, 'process_change') as is_process_change,
        satisfaction_score,
        {{ utc_from_iso('created_at') }} as created_at_utc,
        {{ to_local(utc_from_iso('created_at')) }} as created_at_local,
        {{ utc_from_iso('updated_at') }} as updated_at_utc,
        {{ to_local(utc_from_iso('updated_at')) }} as updated_at_local,
        batch_id,
        extracted_at,
    from renamed

)

select * from final
