{#- K1 NPS, K2 CSAT and K3 CES per local month of answer, from the first month with
    an answer to the as-of month (a month without answers has NULL scores, not 0).
    K1 - 100 x (promoters (9-10) - detractors (0-6)) / NPS answers.
    K2 - satisfied answers (4-5 of 5, or good) / CSAT answers (HubSpot 1-5 and
    answered Zendesk good/bad ratings together; per-source counts beside them).
    K3 - mean CES answer (1-7) and easy answers (5-7) / CES answers. -#}
with

responses as (

    select * from {{ ref('fct_survey_responses') }}

),

as_of as (

    select * from {{ ref('int_billing__as_of') }}

),

months as (

    select cast(month_start as date) as month,
    from as_of
    cross join lateral (
        select unnest(generate_series(
            (select cast(date_trunc('month', min(response_date)) as timestamp) from responses),
            cast(as_of.as_of_month as timestamp),
            interval 1 month
        )) as month_start
    )

),

monthly as (

    select
        cast(date_trunc('month', response_date) as date) as month,
        count(*) filter (where survey_type = 'NPS') as nps_responses,
        count(*) filter (where nps_category = 'promoter') as nps_promoters,
        count(*) filter (where nps_category = 'passive') as nps_passives,
        count(*) filter (where nps_category = 'detractor') as nps_detractors,
        count(*) filter (where survey_type = 'CSAT') as csat_responses,
        count(*) filter (where survey_type = 'CSAT' and is_satisfied) as csat_satisfied_responses,
        count(*) filter (where survey_type = 'CSAT' and source = 'hubspot') as csat_survey_responses,
        count(*) filter (where survey_type = 'CSAT' and source = 'zendesk') as csat_ticket_ratings,
        count(*) filter (where survey_type = 'CES') as ces_responses,
        sum(score) filter (where survey_type = 'CES') as ces_score_sum,
        count(*) filter (where survey_type = 'CES' and is_easy) as ces_easy_responses,
    from responses
    group by all

),

final as (

    select
        months.month,
        coalesce(monthly.nps_responses, 0) as nps_responses,
        coalesce(monthly.nps_promoters, 0) as nps_promoters,
        coalesce(monthly.nps_passives, 0) as nps_passives,
        coalesce(monthly.nps_detractors, 0) as nps_detractors,
        100 * {{ safe_ratio('monthly.nps_promoters - monthly.nps_detractors', 'monthly.nps_responses') }} as nps,
        coalesce(monthly.csat_responses, 0) as csat_responses,
        coalesce(monthly.csat_satisfied_responses, 0) as csat_satisfied_responses,
        coalesce(monthly.csat_survey_responses, 0) as csat_survey_responses,
        coalesce(monthly.csat_ticket_ratings, 0) as csat_ticket_ratings,
        {{ safe_ratio('monthly.csat_satisfied_responses', 'monthly.csat_responses') }} as csat,
        coalesce(monthly.ces_responses, 0) as ces_responses,
        {{ safe_ratio('monthly.ces_score_sum', 'monthly.ces_responses') }} as ces_mean,
        coalesce(monthly.ces_easy_responses, 0) as ces_easy_responses,
        {{ safe_ratio('monthly.ces_easy_responses', 'monthly.ces_responses') }} as ces_easy_share,
        months.month = as_of.as_of_month as is_partial_month,
    from months
    cross join as_of
    left join monthly on monthly.month = months.month

)

select * from final
