{#- Comments and replies on the brand's posts, one row each; a reply from the Page
    itself is the brand's answer (response time R1-R4). -#}
with

source as (

    {{ latest_raw_records(source('facebook', 'post_comments')) }}

),

brand_pages as (

    select distinct {{ json_text('record', '$.id') }} as page_id
    from {{ source('facebook', 'page') }}

),

renamed as (

    select
        {{ json_text('record', '$.id') }} as comment_id,
        {{ json_text('record', '$.parent.id') }} as parent_comment_id,
        json_extract_string(context, '$.post_id') as post_id,
        {{ json_text('record', '$.message') }} as comment_text,
        {{ json_text('record', '$.from.id') }} as author_id,
        {{ json_text('record', '$.from.name') }} as author_name,
        cast({{ json_text('record', '$.comment_count') }} as bigint) as reply_count,
        cast({{ json_text('record', '$.like_count') }} as bigint) as like_count,
        {{ utc_from_iso(json_text('record', '$.created_time')) }} as commented_at_utc,
        batch_id,
        extracted_at
    from source

),

final as (

    select
        comment_id,
        parent_comment_id,
        post_id,
        split_part(post_id, '_', 1) as page_id,
        comment_text,
        author_id,
        author_name,
        reply_count,
        like_count,
        commented_at_utc,
        {{ to_local('commented_at_utc') }} as commented_at_local,
        parent_comment_id is not null as is_reply,
        coalesce(author_id in (select page_id from brand_pages), false) as is_brand_reply,
        batch_id,
        extracted_at,
    from renamed

)

select * from final
