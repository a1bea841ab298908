with

source as (

    {{ latest_raw_records(source('facebook', 'competitor_posts')) }}

),

renamed as (

    select
        {{ json_text('record', '$.id') }} as post_id,
        coalesce({{ json_text('record', '$.from.id') }}, split_part({{ json_text('record', '$.id') }}, '_', 1)) as page_id,
        {{ json_text('record', '$.message') }} as message,
        {{ json_text('record', '$.permalink_url') }} as permalink_url,
        {{ utc_from_iso(json_text('record', '$.created_time')) }} as created_at_utc,
        cast({{ json_text('record', '$.reactions.summary.total_count') }} as bigint) as reaction_count,
        cast({{ json_text('record', '$.comments.summary.total_count') }} as bigint) as comment_count,
        -- Graph omits "shares" when nobody shared the post.
        coalesce(cast({{ json_text('record', '$.shares.count') }} as bigint), 0) as share_count,
        batch_id,
        extracted_at
    from source

),

final as (

    select
        post_id,
        page_id,
        message,
        permalink_url,
        created_at_utc,
        {{ to_local('created_at_utc') }} as created_at_local,
        reaction_count,
        comment_count,
        share_count,
        batch_id,
        extracted_at,
    from renamed

)

select * from final
