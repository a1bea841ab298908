{#- Daily snapshots of the brand's Page: the latest snapshot of each local day (E1/C1). -#}
with

source as (

    {{ latest_daily_snapshots(source('facebook', 'page')) }}

),

renamed as (

    select
        {{ facebook_page_columns('record') }},
        snapshot_date,
        batch_id,
        extracted_at
    from source

),

final as (

    select
        page_id || '|' || cast(snapshot_date as varchar) as page_snapshot_id,
        *,
        timezone('UTC', extracted_at) as snapshot_at_utc,
        {{ to_local("timezone('UTC', extracted_at)") }} as snapshot_at_local,
    from renamed

)

select * from final
