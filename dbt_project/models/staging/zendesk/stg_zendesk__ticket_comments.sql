{#- Comments of social-channel tickets. The ticket id comes from the fan-out
    context; the first public comment by the requester is the customer's first
    message (S1, R7), the first public agent comment the first reply (R1). -#}
with

source as (

    {{ latest_raw_records(source('zendesk', 'ticket_comments')) }}

),

renamed as (

    select
        {{ json_text('record', '$.id') }} as ticket_comment_id,
        json_extract_string(context, '$.ticket_id') as ticket_id,
        {{ json_text('record', '$.author_id') }} as author_id,
        {{ json_text('record', '$.body') }} as body,
        {{ json_text('record', '$.plain_body') }} as plain_body,
        cast(json_extract(record, '$.public') as boolean) as is_public,
        {{ json_text('record', '$.via.channel') }} as via_channel,
        {{ json_text('record', '$.created_at') }} as created_at,
        batch_id,
        extracted_at,
    from source

),

final as (

    select
        ticket_comment_id,
        ticket_id,
        author_id,
        body,
        coalesce(plain_body, body) as plain_body,
        coalesce(is_public, true) as is_public,
        via_channel,
        row_number() over (partition by ticket_id order by created_at, ticket_comment_id) as comment_sequence,
        {{ utc_from_iso('created_at') }} as created_at_utc,
        {{ to_local(utc_from_iso('created_at')) }} as created_at_local,
        batch_id,
        extracted_at,
    from renamed

)

select * from final
