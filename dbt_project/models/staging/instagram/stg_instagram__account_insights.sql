{#- Daily account insights, one row per account, metric and day (see
    graph_insights_by_day); raw keeps days the API no longer serves
    (follower_count reaches back only 30 days). -#}
with

insights as (

    {{ graph_insights_by_day(source('instagram', 'account_insights'), 'account_id') }}

),

final as (

    select
        account_id || '|' || metric_name || '|' || cast(metric_date as varchar) as account_insight_id,
        account_id,
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
