{#- Daily snapshots of the brand's X user: the latest snapshot of each local day (E1/C1). -#}
with

source as (

    select
        record,
        record_key,
        batch_id,
        extracted_at,
        cast({{ to_local("timezone('UTC', extracted_at)") }} as date) as snapshot_date
    from {{ source('x', 'users') }}
    qualify row_number() over (
        partition by record_key, snapshot_date
        order by batch_id desc, page_number desc, record_index desc
    ) = 1

),

renamed as (

    select
        {{ json_text('record', '$.id') }} as user_id,
        lower({{ json_text('record', '$.username') }}) as username,
        {{ json_text('record', '$.name') }} as display_name,
        cast({{ json_text('record', '$.public_metrics.followers_count') }} as bigint) as followers_count,
        cast({{ json_text('record', '$.public_metrics.following_count') }} as bigint) as following_count,
        cast({{ json_text('record', '$.public_metrics.tweet_count') }} as bigint) as tweet_count,
        cast({{ json_text('record', '$.public_metrics.listed_count') }} as bigint) as listed_count,
        {{ utc_from_iso(json_text('record', '$.created_at')) }} as account_created_at_utc,
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
