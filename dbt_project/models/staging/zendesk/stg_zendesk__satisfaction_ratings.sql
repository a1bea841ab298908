{#- CSAT ratings, latest state of each: 'offered' until the requester answers
    'good' or 'bad' (K2 counts good / answered). -#}
with

source as (

    {{ latest_raw_records(source('zendesk', 'satisfaction_ratings')) }}

),

renamed as (

    select
        {{ json_text('record', '$.id') }} as satisfaction_rating_id,
        {{ json_text('record', '$.ticket_id') }} as ticket_id,
        {{ json_text('record', '$.requester_id') }} as requester_id,
        {{ json_text('record', '$.assignee_id') }} as assignee_id,
        {{ json_text('record', '$.group_id') }} as group_id,
        {{ json_text('record', '$.score') }} as score,
        {{ json_text('record', '$.comment') }} as rating_comment,
        {{ json_text('record', '$.reason') }} as reason,
        {{ json_text('record', '$.created_at') }} as created_at,
        {{ json_text('record', '$.updated_at') }} as updated_at,
        batch_id,
        extracted_at,
    from source

),

final as (

    select
        satisfaction_rating_id,
        ticket_id,
        requester_id,
        assignee_id,
        group_id,
        score,
        score in ('good', 'bad') as is_answered,
        score = 'good' as is_good,
        rating_comment,
        reason,
        {{ utc_from_iso('created_at') }} as created_at_utc,
        {{ to_local(utc_from_iso('created_at')) }} as created_at_local,
        {{ utc_from_iso('updated_at') }} as updated_at_utc,
        {{ to_local(utc_from_iso('updated_at')) }} as updated_at_local,
        batch_id,
        extracted_at,
    from renamed

)

select * from final
