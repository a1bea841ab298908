with

source as (

    {{ latest_raw_records(source('x', 'mention_authors')) }}

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
