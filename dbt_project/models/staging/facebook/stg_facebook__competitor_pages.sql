{#- Daily snapshots of competitor Pages: the latest snapshot of each local day (E1/C1). -#}
with

source as (

    select
        record,
        record_key,
        batch_id,
        extracted_at,
        cast({{ to_local("timezone('UTC', extracted_at)") }} as date) as snapshot_date
    from {{ source('facebook', 'competitor_pages') }}
    qualify row_number() over (
        partition by record_key, snapshot_date
        order by batch_id desc, page_number desc, record_index desc
    ) = 1

),

renamed as (

    select
        {{ json_text('record', '$.id') }} as page_id,
        {{ json_text('record', '$.name') }} as page_name,
        lower({{ json_text('record', '$.username') }}) as username,
        cast({{ json_text('record', '$.followers_count') }} as bigint) as followers_count,
        cast({{ json_text('record', '$.fan_count') }} as bigint) as fan_count,
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
