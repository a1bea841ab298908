{#- METRICS.md X7 process improvement: one row per problem ticket with linked
    incidents - raised through social service or not - whether it led to a
    process change and the incidents of its category avoided afterwards
    (int_comparison__problem_tickets states the interpretations). -#}
with

problem_tickets as (

    select * from {{ ref('int_comparison__problem_tickets') }}

),

final as (

    select
        problem_ticket_id,
        raised_at_utc,
        raised_date,
        channel,
        channel_group,
        is_social_channel,
        raised_through,
        category,
        linked_incidents,
        led_to_process_change,
        changed_at_utc,
        changed_date,
        incidents_before,
        incidents_after,
        round(days_before, 6) as days_before,
        round(days_after, 6) as days_after,
        round(incidents_per_day_before, 6) as incidents_per_day_before,
        round(incidents_per_day_after, 6) as incidents_per_day_after,
        round(incidents_avoided, 6) as incidents_avoided,
    from problem_tickets

)

select * from final
