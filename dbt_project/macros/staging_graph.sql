{#- Helpers for Meta Graph API responses (Facebook and Instagram). -#}

{#- Daily insights values, one row per object, metric, period and day, from a raw
    insights stream: `graph_insights_by_day(source('facebook', 'page_insights'), 'page_id')`.
    Graph gives a metric the same id in every since/until window, so every raw window
    is unnested and the latest batch's value of each day wins.
    Returns <object_id>, metric_name, period, metric_date, metric_value, end_time_utc,
    batch_id, extracted_at. -#}
{% macro graph_insights_by_day(relation, object_id) -%}
    select
        {{ object_id }},
        metric_name,
        period,
        -- Meta's daily value ends at end_time; the day it describes starts one day earlier.
        cast(end_time_utc - interval 1 day as date) as metric_date,
        metric_value,
        end_time_utc,
        batch_id,
        extracted_at,
    from (
        select
            split_part(json_extract_string(raw.record, '$.id'), '/', 1) as {{ object_id }},
            json_extract_string(raw.record, '$.name') as metric_name,
            json_extract_string(raw.record, '$.period') as period,
            cast(json_extract_string(day.value, '$.value') as bigint) as metric_value,
            {{ utc_from_iso("json_extract_string(day.value, '$.end_time')") }} as end_time_utc,
            raw.batch_id,
            raw.page_number,
            raw.record_index,
            raw.extracted_at,
        from {{ relation }} as raw
        cross join unnest(cast(json_extract(raw.record, '$.values') as json[])) as day(value)
    ) as daily_values
    qualify row_number() over (
        partition by {{ object_id }}, metric_name, period, end_time_utc
        order by batch_id desc, page_number desc, record_index desc
    ) = 1
{%- endmacro %}
