{#- Daily snapshots of competitor accounts from business_discovery (C1). -#}
with

source as (

    {{ latest_daily_snapshots(source('instagram', 'competitor_accounts')) }}

),

renamed as (

    select
        {{ json_text('record', '$.id') }} as account_id,
        lower(coalesce({{ json_text('record', '$.username') }}, json_extract_string(context, '$.competitor_username')))
            as username,
        {{ json_text('record', '$.name') }} as account_name,
        cast({{ json_text('record', '$.followers_count') }} as bigint) as followers_count,
        cast({{ json_text('record', '$.media_count') }} as bigint) as media_count,
        snapshot_date,
        batch_id,
        extracted_at
    from source

),

final as (

    select
        account_id || '|' || cast(snapshot_date as varchar) as account_snapshot_id,
        *,
        timezone('UTC', extracted_at) as snapshot_at_utc,
        {{ to_local("timezone('UTC', extracted_at)") }} as snapshot_at_local,
    from renamed

)

select * from final
