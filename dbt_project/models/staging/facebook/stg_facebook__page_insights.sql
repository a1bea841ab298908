{#- Daily page insights, one row per page, metric and day.  Graph gives a metric the
    same id in every since/until window, so every raw window is unnested and the
    latest batch's value of each day wins. -#}
with

source as (

    select record, batch_id, page_number, record_index, extracted_at
    from {{ source('facebook', 'page_insights') }}

),

unnested as (

    select
        split_part(json_extract_string(source.record, '$.id'), '/', 1) as page_id,
        json_extract_string(source.record, '$.name') as metric_name,
        json_extract_string(source.record, '$.period') as period,
        cast(json_extract_string(day.value, '$.value') as bigint) as metric_value,
        {{ utc_from_iso("json_extract_string(day.value, '$.end_time')") }} as end_time_utc,
        source.batch_id,
        source.page_number,
        source.record_index,
        source.extracted_at
    from source
    cross join unnest(cast(json_extract(source.record, '$.values') as json[])) as day(value)

),

deduplicated as (

    select *
    from unnested
    qualify row_number() over (
        partition by page_id, metric_name, period, end_time_utc
        order by batch_id desc, page_number desc, record_index desc
    ) = 1

),

final as (

    select
        page_id || '|' || metric_name || '|' || cast(cast(end_time_utc - interval 1 day as date) as varchar)
            as page_insight_id,
        page_id,
        metric_name,
        period,
        -- Meta's daily value ends at end_time; the day it describes starts one day earlier.
        cast(end_time_utc - interval 1 day as date) as metric_date,
        metric_value,
        end_time_utc,
        {{ to_local('end_time_utc') }} as end_time_local,
        batch_id,
        extracted_at,
    from deduplicated

)

select * from final
