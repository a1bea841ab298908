{#- One row per media: the latest value of each lifetime metric, pivoted. -#}
with

source as (

    {{ latest_raw_records(source('instagram', 'media_insights')) }}

),

renamed as (

    select
        coalesce(
            json_extract_string(context, '$.media_id'),
            split_part({{ json_text('record', '$.id') }}, '/', 1)
        ) as media_id,
        {{ json_text('record', '$.name') }} as metric_name,
        cast(json_extract_string(record, '$.values[0].value') as bigint) as metric_value,
        batch_id,
        extracted_at
    from source

),

final as (

    select
        media_id,
        max(case when metric_name = 'reach' then metric_value end) as reach,
        max(case when metric_name = 'views' then metric_value end) as view_count,
        max(case when metric_name = 'saved' then metric_value end) as save_count,
        max(case when metric_name = 'shares' then metric_value end) as share_count,
        max(case when metric_name = 'total_interactions' then metric_value end) as total_interactions,
        max(batch_id) as batch_id,
        max(extracted_at) as extracted_at,
    from renamed
    group by media_id

)

select * from final
