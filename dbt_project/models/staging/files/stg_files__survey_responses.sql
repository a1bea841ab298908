{#- Survey answers from exports: NPS 0-10 (METRICS K1), CSAT 1-5 (K2), CES 1-7 (K3),
    the newest imported version of each, in stg_hubspot__feedback_submissions' names. -#}
with

source as (

    {{ latest_raw_records(source('files', 'survey_responses')) }}

),

renamed as (

    select
        {{ files_text('response_id') }} as response_id,
        {{ files_text('customer_id') }} as customer_id,
        {{ files_text('customer_email') }} as customer_email,
        {{ files_text('survey_type') }} as survey_type,
        {{ files_text('survey_name') }} as survey_name,
        {{ files_text('channel') }} as survey_channel,
        cast({{ files_text('score') }} as bigint) as response_value,
        {{ files_text('comment') }} as comment_text,
        {{ files_utc('submitted_at') }} as submitted_at_utc,
        {{ files_origin() }},
        batch_id,
        extracted_at,
    from source

),

final as (

    select
        response_id,
        customer_id,
        customer_email,
        {{ normalize_email('customer_email') }} as email_normalized,
        survey_type,
        survey_name,
        survey_channel,
        response_value,
        case
            when survey_type != 'NPS' then null
            when response_value >= 9 then 'promoter'
            when response_value >= 7 then 'passive'
            else 'detractor'
        end as nps_category,
        comment_text,
        submitted_at_utc,
        {{ to_local('submitted_at_utc') }} as submitted_at_local,
        source_file,
        source_line,
        batch_id,
        extracted_at,
    from renamed

)

select * from final
