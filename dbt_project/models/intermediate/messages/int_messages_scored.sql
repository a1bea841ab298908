{#- int_messages with the sentiment the enrichment/message_sentiment asset stored (S1) and
    the complaint flag (S3: negative + service intent, in a customer's message about the
    brand - a complaint about a competitor is not ours). A message not scored yet has null
    sentiment columns. The pre-hook creates the (empty) score table when dbt runs without
    Dagster, with the columns the asset writes (enrichment/sentiment/store.py). -#}
{{ config(pre_hook=[
    "create schema if not exists enrichment",
    "create table if not exists enrichment.message_sentiment (message_id varchar not null, label varchar not null, score double not null, language varchar not null, is_complaint_text boolean not null, scorer_version varchar not null, scored_at timestamp not null)",
]) }}

with

messages as (

    select * from {{ ref('int_messages') }}

),

scores as (

    select *
    from {{ source('enrichment', 'message_sentiment') }}
    qualify row_number() over (partition by message_id order by scored_at desc, scorer_version desc) = 1

),

final as (

    select
        messages.*,
        scores.label as sentiment_label,
        scores.score as sentiment_score,
        scores.language as sentiment_language,
        scores.is_complaint_text and not messages.is_brand and messages.about_account_kind = 'own' as is_complaint,
        scores.scorer_version,
        scores.scored_at as sentiment_scored_at,
    from messages
    left join scores on scores.message_id = messages.message_id

)

select * from final
