with

source as (

    {{ latest_raw_records(source('instagram', 'media')) }}

),

renamed as (

    select
        {{ json_text('record', '$.id') }} as media_id,
        {{ json_text('record', '$.owner.id') }} as account_id,
        lower({{ json_text('record', '$.username') }}) as username,
        {{ json_text('record', '$.caption') }} as caption,
        {{ json_text('record', '$.media_type') }} as media_type,
        {{ json_text('record', '$.media_product_type') }} as media_product_type,
        {{ json_text('record', '$.permalink') }} as permalink,
        {{ utc_from_iso(json_text('record', '$.timestamp')) }} as published_at_utc,
        cast({{ json_text('record', '$.like_count') }} as bigint) as like_count,
        cast({{ json_text('record', '$.comments_count') }} as bigint) as comments_count,
        batch_id,
        extracted_at
    from source

),

final as (

    select
        media_id,
        account_id,
        username,
        caption,
        media_type,
        media_product_type,
        permalink,
        published_at_utc,
        {{ to_local('published_at_utc') }} as published_at_local,
        like_count,
        comments_count,
        batch_id,
        extracted_at,
    from renamed

)

select * from final
