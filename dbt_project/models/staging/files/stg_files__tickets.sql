{#- Support tickets from help-desk exports, the newest imported version of each, in
    stg_zendesk__tickets' column names: channel_group is the export's channel,
    social_username the requester's handle normalized for matching. -#}
with

source as (

    {{ latest_raw_records(source('files', 'tickets')) }}

),

renamed as (

    select
        {{ files_text('ticket_id') }} as ticket_id,
        {{ files_text('requester_id') }} as requester_id,
        {{ files_text('requester_email') }} as requester_email,
        {{ files_text('requester_handle') }} as requester_handle,
        {{ files_text('channel') }} as channel,
        {{ files_text('social_platform') }} as social_platform,
        {{ files_text('subject') }} as subject,
        {{ files_text('status') }} as status,
        {{ files_text('priority') }} as priority,
        {{ files_text('satisfaction') }} as satisfaction_score,
        {{ files_utc('created_at') }} as created_at_utc,
        {{ files_utc('solved_at') }} as solved_at_utc,
        {{ files_origin() }},
        batch_id,
        extracted_at,
    from source

),

final as (

    select
        ticket_id,
        requester_id,
        {{ normalize_email('requester_email') }} as from_email,
        {{ normalize_handle('requester_handle') }} as social_username,
        channel as channel_group,
        channel = 'social' as is_social_channel,
        social_platform,
        subject,
        status,
        priority,
        satisfaction_score,
        created_at_utc,
        {{ to_local('created_at_utc') }} as created_at_local,
        solved_at_utc,
        {{ to_local('solved_at_utc') }} as solved_at_local,
        source_file,
        source_line,
        batch_id,
        extracted_at,
    from renamed

)

select * from final
