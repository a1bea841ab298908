{#- One row per survey answer: HubSpot feedback submissions (NPS 0-10, CSAT 1-5,
    CES 1-7), answered Zendesk satisfaction ratings (CSAT good / bad; offered but
    unanswered ratings are not answers) and the answers of a survey-responses export
    (PANTAU_IMPORT_DIR; same scales as HubSpot's), the respondent found by the export's
    customer id, or email when the row has none.  An import is new data of old days: a
    night re-reads, besides the lookback days, every answer imported since the last run.
    The classification the K marts count:
    NPS promoter 9-10 / passive 7-8 / detractor 0-6 (K1), CSAT satisfied = 4-5 of 5
    or "good" (K2), CES easy = 5-7 of 7 (K3).  A Zendesk answer is dated when it was
    given (updated_at), not when the survey was offered.  Incremental by local date. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='response_id',
    on_schema_change='append_new_columns',
) }}
with

hubspot as (

    select * from {{ ref('stg_hubspot__feedback_submissions') }}
    where {{ incremental_window('cast(' ~ to_local('submitted_at_utc') ~ ' as date)', 'response_date') }}

),

zendesk as (

    select * from {{ ref('stg_zendesk__satisfaction_ratings') }}
    where is_answered
        and {{ incremental_window('cast(' ~ to_local('coalesce(updated_at_utc, created_at_utc)') ~ ' as date)', 'response_date') }}

),

exported as (

    select
        *,
        timezone('UTC', extracted_at) as imported_at_utc,
    from {{ ref('stg_files__survey_responses') }}
    where {{ incremental_window('cast(' ~ to_local('submitted_at_utc') ~ ' as date)', 'response_date') }}
    {%- if is_incremental() %}
        or timezone('UTC', extracted_at) > (
            select coalesce(max(imported_at_utc), '1900-01-01'::timestamp) from {{ this }}
        )
    {%- endif %}

),

links as (

    select * from {{ ref('int_identity__links') }}

),

answers as (

    select
        'hubspot:' || hubspot.submission_id as response_id,
        'hubspot' as source,
        hubspot.survey_type,
        case hubspot.survey_type when 'NPS' then '0-10' when 'CSAT' then '1-5' when 'CES' then '1-7' end as scale,
        hubspot.response_value as score,
        cast(null as varchar) as rating,
        'hubspot_contact' as identity_source,
        hubspot.contact_id as source_identity,
        hubspot.submitted_at_utc as responded_at_utc,
        cast(null as timestamp) as imported_at_utc,
    from hubspot
    where hubspot.survey_type in ('NPS', 'CSAT', 'CES')

    union all

    select
        'zendesk:' || zendesk.satisfaction_rating_id,
        'zendesk',
        'CSAT',
        'good/bad',
        cast(null as bigint),
        zendesk.score,
        'zendesk_user',
        zendesk.requester_id,
        coalesce(zendesk.updated_at_utc, zendesk.created_at_utc),
        cast(null as timestamp),
    from zendesk

    union all

    select
        'files:' || exported.response_id,
        'files',
        exported.survey_type,
        case exported.survey_type when 'NPS' then '0-10' when 'CSAT' then '1-5' when 'CES' then '1-7' end,
        exported.response_value,
        cast(null as varchar),
        'files_customer',
        coalesce(exported.customer_id, exported.email_normalized),
        exported.submitted_at_utc,
        exported.imported_at_utc,
    from exported

),

final as (

    select
        answers.response_id,
        answers.source,
        answers.survey_type,
        answers.scale,
        answers.score,
        answers.rating,
        links.customer_id,
        answers.responded_at_utc,
        {{ to_local('answers.responded_at_utc') }} as responded_at_local,
        cast({{ to_local('answers.responded_at_utc') }} as date) as response_date,
        case
            when answers.survey_type != 'NPS' then null
            when answers.score >= 9 then 'promoter'
            when answers.score >= 7 then 'passive'
            else 'detractor'
        end as nps_category,
        case
            when answers.survey_type != 'CSAT' then null
            when answers.scale = 'good/bad' then answers.rating = 'good'
            else answers.score >= 4
        end as is_satisfied,
        case when answers.survey_type = 'CES' then answers.score >= 5 end as is_easy,
        answers.imported_at_utc,
    from answers
    left join links
        on links.source = answers.identity_source
        and links.source_identity = answers.source_identity

)

select * from final
