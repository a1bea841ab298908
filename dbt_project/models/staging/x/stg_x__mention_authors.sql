{#- X users who wrote to the brand: the authors of its mentions (includes.users of the
    mention timelines) and of the tweets its replies answered (includes.users of its own
    timelines), latest record per user. -#}
with

mention_authors as (

    {{ latest_raw_records(source('x', 'mention_authors')) }}

),

replied_authors as (

    {{ latest_raw_records(source('x', 'replied_authors')) }}

),

source as (

    select * from (
        select * from mention_authors
        union all
        select * from replied_authors
    )
    qualify row_number() over (partition by record_key order by extracted_at desc, batch_id desc) = 1

),

renamed as (

    select
        {{ json_text('record', '$.id') }} as user_id,
        lower({{ json_text('record', '$.username') }}) as username,
        {{ json_text('record', '$.name') }} as display_name,
        {{ utc_from_iso(json_text('record', '$.created_at')) }} as account_created_at_utc,
        batch_id,
        extracted_at
    from source

),

final as (

    select
        user_id,
        username,
        display_name,
        account_created_at_utc,
        {{ to_local('account_created_at_utc') }} as account_created_at_local,
        batch_id,
        extracted_at,
    from renamed

)

select * from final
