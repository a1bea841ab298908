{#- Competitors' recent media, unnested from the business_discovery snapshots;
    the latest snapshot that still lists a media holds its freshest counts. -#}
with

source as (

    select record, batch_id, page_number, record_index, extracted_at
    from {{ source('instagram', 'competitor_accounts') }}

),

unnested as (

    select
        json_extract_string(item.value, '$.id') as media_id,
        json_extract_string(source.record, '$.id') as account_id,
        lower(json_extract_string(source.record, '$.username')) as username,
        json_extract_string(item.value, '$.caption') as caption,
        json_extract_string(item.value, '$.media_type') as media_type,
        json_extract_string(item.value, '$.permalink') as permalink,
        json_extract_string(item.value, '$.timestamp') as published_at,
        cast(json_extract_string(item.value, '$.like_count') as bigint) as like_count,
        cast(json_extract_string(item.value, '$.comments_count') as bigint) as comments_count,
        source.batch_id,
        source.page_number,
        source.record_index,
        source.extracted_at
    from source
    cross join unnest(cast(coalesce(json_extract(source.record, '$.media.data'), '[]') as json[])) as item(value)

),

final as (

    select
        media_id,
        account_id,
        username,
        caption,
        media_type,
        permalink,
        {{ utc_from_iso('published_at') }} as published_at_utc,
        {{ to_local(utc_from_iso('published_at')) }} as published_at_local,
        like_count,
        comments_count,
        batch_id,
        extracted_at,
    from unnested
    qualify row_number() over (
        partition by media_id
        order by batch_id desc, page_number desc, record_index desc
    ) = 1

)

select * from final
