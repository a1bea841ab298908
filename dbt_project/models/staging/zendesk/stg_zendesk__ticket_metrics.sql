{#- One metric set per ticket, latest exported state. Zendesk reports whole
    minutes, calendar and business (schedule) time; durations are also given in
    seconds (BIGINT) as facts expect. reply_time_in_seconds.calendar is Zendesk's
    exact first-reply time; other seconds are minutes x 60. -#}
with

source as (

    {{ latest_raw_records(source('zendesk', 'ticket_metrics')) }}

),

renamed as (

    select
        {{ json_text('record', '$.id') }} as ticket_metric_id,
        {{ json_text('record', '$.ticket_id') }} as ticket_id,
        cast({{ json_text('record', '$.replies') }} as bigint) as reply_count,
        cast({{ json_text('record', '$.reopens') }} as bigint) as reopen_count,
        cast({{ json_text('record', '$.group_stations') }} as bigint) as group_station_count,
        cast({{ json_text('record', '$.assignee_stations') }} as bigint) as assignee_station_count,
        cast({{ json_text('record', '$.reply_time_in_minutes.calendar') }} as bigint) as reply_time_calendar_minutes,
        cast({{ json_text('record', '$.reply_time_in_minutes.business') }} as bigint) as reply_time_business_minutes,
        cast({{ json_text('record', '$.reply_time_in_seconds.calendar') }} as bigint) as reply_time_calendar_seconds_exact,
        cast({{ json_text('record', '$.first_resolution_time_in_minutes.calendar') }} as bigint) as first_resolution_time_calendar_minutes,
        cast({{ json_text('record', '$.first_resolution_time_in_minutes.business') }} as bigint) as first_resolution_time_business_minutes,
        cast({{ json_text('record', '$.full_resolution_time_in_minutes.calendar') }} as bigint) as full_resolution_time_calendar_minutes,
        cast({{ json_text('record', '$.full_resolution_time_in_minutes.business') }} as bigint) as full_resolution_time_business_minutes,
        cast({{ json_text('record', '$.agent_wait_time_in_minutes.calendar') }} as bigint) as agent_wait_time_calendar_minutes,
        cast({{ json_text('record', '$.agent_wait_time_in_minutes.business') }} as bigint) as agent_wait_time_business_minutes,
        cast({{ json_text('record', '$.requester_wait_time_in_minutes.calendar') }} as bigint) as requester_wait_time_calendar_minutes,
        cast({{ json_text('record', '$.requester_wait_time_in_minutes.business') }} as bigint) as requester_wait_time_business_minutes,
        {{ json_text('record', '$.created_at') }} as created_at,
        {{ json_text('record', '$.updated_at') }} as updated_at,
        {{ json_text('record', '$.initially_assigned_at') }} as initially_assigned_at,
        {{ json_text('record', '$.assigned_at') }} as assigned_at,
        {{ json_text('record', '$.solved_at') }} as solved_at,
        {{ json_text('record', '$.latest_comment_added_at') }} as latest_comment_added_at,
        batch_id,
        extracted_at,
    from source

),

final as (

    select
        ticket_metric_id,
        ticket_id,
        reply_count,
        reopen_count,
        group_station_count,
        assignee_station_count,
        reply_time_calendar_minutes,
        reply_time_business_minutes,
        coalesce(reply_time_calendar_seconds_exact, reply_time_calendar_minutes * 60) as reply_time_calendar_seconds,
        reply_time_business_minutes * 60 as reply_time_business_seconds,
        first_resolution_time_calendar_minutes,
        first_resolution_time_business_minutes,
        first_resolution_time_calendar_minutes * 60 as first_resolution_time_calendar_seconds,
        first_resolution_time_business_minutes * 60 as first_resolution_time_business_seconds,
        full_resolution_time_calendar_minutes,
        full_resolution_time_business_minutes,
        full_resolution_time_calendar_minutes * 60 as full_resolution_time_calendar_seconds,
        full_resolution_time_business_minutes * 60 as full_resolution_time_business_seconds,
        agent_wait_time_calendar_minutes,
        agent_wait_time_business_minutes,
        agent_wait_time_calendar_minutes * 60 as agent_wait_time_calendar_seconds,
        requester_wait_time_calendar_minutes,
        requester_wait_time_business_minutes,
        requester_wait_time_calendar_minutes * 60 as requester_wait_time_calendar_seconds,
        {{ utc_from_iso('created_at') }} as created_at_utc,
        {{ to_local(utc_from_iso('created_at')) }} as created_at_local,
        {{ utc_from_iso('updated_at') }} as updated_at_utc,
        {{ to_local(utc_from_iso('updated_at')) }} as updated_at_local,
        {{ utc_from_iso('initially_assigned_at') }} as initially_assigned_at_utc,
        {{ to_local(utc_from_iso('initially_assigned_at')) }} as initially_assigned_at_local,
        {{ utc_from_iso('assigned_at') }} as assigned_at_utc,
        {{ to_local(utc_from_iso('assigned_at')) }} as assigned_at_local,
        {{ utc_from_iso('solved_at') }} as solved_at_utc,
        {{ to_local(utc_from_iso('solved_at')) }} as solved_at_local,
        {{ utc_from_iso('latest_comment_added_at') }} as latest_comment_added_at_utc,
        {{ to_local(utc_from_iso('latest_comment_added_at')) }} as latest_comment_added_at_local,
        batch_id,
        extracted_at,
    from renamed

)

select * from final
