{#- Daily page insights, one row per page, metric and day (see graph_insights_by_day). -#}
with

insights as (

    {{ graph_insights_by_day(source('facebook', 'page_insights'), 'page_id') }}

),

final as (

    select
        page_id || '|' || metric_name || '|' || cast(metric_date as varchar) as page_insight_id,
        page_id,
        metric_name,
        period,
        metric_date,
        metric_value,
        end_time_utc,
        {{ to_local('end_time_utc') }} as end_time_local,
        batch_id,
        extracted_at,
    from insights

)

select * from final
