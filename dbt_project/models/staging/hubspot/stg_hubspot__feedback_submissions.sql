{#- Survey answers: NPS 0-10 (METRICS K1), CSAT 1-5 (K2), CES 1-7 (K3). -#}
with

source as (
    {{ latest_raw_records(source('hubspot', 'feedback_submissions')) }}
),

renamed as (
    select
        {{ json_text('record', '$.id') }} as submission_id,
        {{ json_text('record', '$.properties.hs_contact_id') }} as contact_id,
        {{ json_text('record', '$.properties.hs_survey_type') }} as survey_type,
        {{ json_text('record', '$.properties.hs_survey_id') }} as survey_id,
        {{ json_text('record', '$.properties.hs_survey_name') }} as survey_name,
        {{ json_text('record', '$.properties.hs_survey_channel') }} as survey_channel,
        cast({{ json_text('record', '$.properties.hs_value') }} as bigint) as response_value,
        {{ json_text('record', '$.properties.hs_response_group') }} as response_group,
        {{ json_text('record', '$.properties.hs_sentiment') }} as sentiment,
        {{ json_text('record', '$.properties.hs_content') }} as comment_text,
        {{ utc_from_iso(json_text('record', '$.properties.hs_submission_timestamp')) }} as submitted_at_utc,
        {{ utc_from_iso(json_text('record', '$.properties.hs_lastmodifieddate')) }} as last_modified_at_utc,
        batch_id,
        extracted_at,
    from source
),

final as (
    select
        submission_id,
        contact_id,
        survey_type,
        survey_id,
        survey_name,
        survey_channel,
        response_value,
        case
            when survey_type != 'NPS' then null
            when response_value >= 9 then 'promoter'
            when response_value >= 7 then 'passive'
            else 'detractor'
        end as nps_category,
        response_group,
        sentiment,
        comment_text,
        submitted_at_utc,
        {{ to_local('submitted_at_utc') }} as submitted_at_local,
        last_modified_at_utc,
        {{ to_local('last_modified_at_utc') }} as last_modified_at_local,
        batch_id,
        extracted_at,
    from renamed
)

select * from final
