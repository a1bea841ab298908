{#- Comments and their replies, one row each; a reply written by the brand's own
    username is the brand's answer (response time R1-R4). -#}
with

source as (

    {{ latest_raw_records(source('instagram', 'comments')) }}

),

brand_accounts as (

    select distinct lower({{ json_text('record', '$.username') }}) as username
    from {{ source('instagram', 'account') }}

),

top_level as (

    select
        {{ json_text('record', '$.id') }} as comment_id,
        cast(null as varchar) as parent_comment_id,
        json_extract_string(context, '$.media_id') as media_id,
        {{ json_text('record', '$.text') }} as comment_text,
        lower({{ json_text('record', '$.username') }}) as username,
        {{ json_text('record', '$.from.id') }} as author_id,
        cast({{ json_text('record', '$.like_count') }} as bigint) as like_count,
        {{ json_text('record', '$.timestamp') }} as commented_at,
        false as is_reply,
        batch_id,
        extracted_at
    from source

),

replies as (

    select
        json_extract_string(reply.value, '$.id') as comment_id,
        json_extract_string(source.record, '$.id') as parent_comment_id,
        json_extract_string(source.context, '$.media_id') as media_id,
        json_extract_string(reply.value, '$.text') as comment_text,
        lower(json_extract_string(reply.value, '$.username')) as username,
        json_extract_string(reply.value, '$.from.id') as author_id,
        cast(json_extract_string(reply.value, '$.like_count') as bigint) as like_count,
        json_extract_string(reply.value, '$.timestamp') as commented_at,
        true as is_reply,
        source.batch_id,
        source.extracted_at
    from source
    cross join unnest(cast(coalesce(json_extract(source.record, '$.replies.data'), '[]') as json[])) as reply(value)

),

unioned as (

    select * from top_level
    union all
    select * from replies

),

final as (

    select
        unioned.comment_id,
        unioned.parent_comment_id,
        unioned.media_id,
        unioned.comment_text,
        unioned.username,
        unioned.author_id,
        unioned.like_count,
        {{ utc_from_iso('unioned.commented_at') }} as commented_at_utc,
        {{ to_local(utc_from_iso('unioned.commented_at')) }} as commented_at_local,
        unioned.is_reply,
        unioned.username in (select username from brand_accounts) as is_brand_reply,
        unioned.batch_id,
        unioned.extracted_at,
    from unioned

)

select * from final
