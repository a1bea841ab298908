{#- The messages of exported tickets, the newest imported version of each. An agent's
    public comment is the brand's reply (R1); internal notes are not public. -#}
with

source as (

    {{ latest_raw_records(source('files', 'ticket_comments')) }}

),

renamed as (

    select
        {{ files_text('comment_id') }} as ticket_comment_id,
        {{ files_text('ticket_id') }} as ticket_id,
        {{ files_text('author_role') }} as author_role,
        {{ files_text('author_id') }} as author_id,
        {{ files_text('body') }} as plain_body,
        {{ files_boolean('is_public', 'true') }} as is_public,
        {{ files_utc('created_at') }} as created_at_utc,
        {{ files_origin() }},
        batch_id,
        extracted_at,
    from source

),

final as (

    select
        ticket_comment_id,
        ticket_id,
        author_role,
        author_role = 'agent' as is_agent,
        author_id,
        plain_body,
        is_public,
        row_number() over (partition by ticket_id order by created_at_utc, ticket_comment_id) as comment_sequence,
        created_at_utc,
        {{ to_local('created_at_utc') }} as created_at_local,
        source_file,
        source_line,
        batch_id,
        extracted_at,
    from renamed

)

select * from final
