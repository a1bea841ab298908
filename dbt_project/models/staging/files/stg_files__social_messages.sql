{#- Social messages from exports (comments, replies, mentions, direct messages, the
    brand's own included), the newest imported version of each. message_key is unique
    across platforms. -#}
with

source as (

    {{ latest_raw_records(source('files', 'social_messages')) }}

),

renamed as (

    select
        {{ files_text('platform') }} as platform,
        {{ files_text('message_id') }} as message_id,
        {{ files_text('message_type') }} as message_type,
        {{ files_text('post_id') }} as post_id,
        {{ files_text('parent_message_id') }} as parent_message_id,
        {{ files_text('conversation_id') }} as conversation_id,
        {{ files_text('account_id') }} as account_id,
        {{ files_text('author_id') }} as author_id,
        {{ files_text('author_handle') }} as author_handle,
        {{ files_boolean('is_brand', 'false') }} as is_brand,
        {{ files_text('text') }} as message_text,
        {{ files_utc('created_at') }} as created_at_utc,
        {{ files_origin() }},
        batch_id,
        extracted_at,
    from source

),

final as (

    select
        platform || ':' || message_id as message_key,
        platform,
        message_id,
        message_type,
        post_id,
        parent_message_id,
        conversation_id,
        account_id,
        author_id,
        author_handle,
        {{ normalize_handle('author_handle') }} as author_handle_normalized,
        is_brand,
        message_text,
        created_at_utc,
        {{ to_local('created_at_utc') }} as created_at_local,
        source_file,
        source_line,
        batch_id,
        extracted_at,
    from renamed

)

select * from final
