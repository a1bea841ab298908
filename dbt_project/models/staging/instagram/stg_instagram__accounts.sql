{#- Daily snapshots of the brand's account: the latest snapshot of each local day (E1). -#}
with

source as (

    {{ latest_daily_snapshots(source('instagram', 'account')) }}

),

renamed as (

    select
        {{ json_text('record', '$.id') }} as account_id,
        lower({{ json_text('record', '$.username') }}) as username,
        {{ json_text('record', '$.name') }} as account_name,
        cast({{ json_text('record', '$.followers_count') }} as bigint) as followers_count,
        cast({{ json_text('record', '$.follows_count') }} as bigint) as follows_count,
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
