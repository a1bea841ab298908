{#- Followers history from exports: one row per platform, account and local day, the
    newest imported version of each. -#}
with

source as (

    {{ latest_raw_records(source('files', 'followers')) }}

),

renamed as (

    select
        {{ files_text('platform') }} as platform,
        {{ files_text('account_id') }} as account_id,
        cast({{ files_text('date') }} as date) as account_date,
        cast({{ files_text('followers') }} as bigint) as followers_count,
        cast({{ files_text('new_follows') }} as bigint) as new_follows,
        cast({{ files_text('unfollows') }} as bigint) as unfollows,
        {{ files_origin() }},
        batch_id,
        extracted_at,
    from source

),

final as (

    select
        platform || ':' || account_id || '|' || cast(account_date as varchar) as account_day_id,
        platform,
        account_id,
        platform || ':' || account_id as account_key,
        account_date,
        followers_count,
        new_follows,
        unfollows,
        source_file,
        source_line,
        batch_id,
        extracted_at,
    from renamed

)

select * from final
