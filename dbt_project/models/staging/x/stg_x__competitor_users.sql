{#- Daily snapshots of competitor X users: the latest snapshot of each local day (E1/C1). -#}
with

source as (

    {{ latest_daily_snapshots(source('x', 'competitor_users')) }}

),

renamed as (

    select
        {{ x_user_columns('record') }},
        snapshot_date,
        batch_id,
        extracted_at
    from source

),

final as (

    select
        user_id || '|' || cast(snapshot_date as varchar) as user_snapshot_id,
        *,
        {{ to_local('account_created_at_utc') }} as account_created_at_local,
        timezone('UTC', extracted_at) as snapshot_at_utc,
        {{ to_local("timezone('UTC', extracted_at)") }} as snapshot_at_local,
    from renamed

)

select * from final
