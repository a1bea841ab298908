{#- One row per Zendesk problem ticket with linked incidents or a process change
    (METRICS.md X7: problems raised through service that may lead to a process
    change), with the raising
    channel (social or not), whether it led to a process change (tag
    process_change, the sandbox's and a common Zendesk convention) and, for those
    that did, the incidents of its category before and after the change.
    Interpretations: the change takes effect when the problem is solved; the
    problem's category is its tag that incidents inherit most - over every
    problem carrying the tag, the share of its linked incidents carrying it too
    (a category tag: all; a plan or channel tag: some) - ties to the tag fewest
    incident tickets carry, then alphabetical (so a problem without linked
    incidents still gets its category); the category's incidents are ALL
    incident tickets carrying that tag, linked or not; the "before" window runs from the first ticket in
    the warehouse to the change, "after" from the change to the as-of moment;
    incidents avoided = (incidents per day before - per day after) x days after,
    the incidents the old rate predicts minus those that came (negative when
    incidents rose). -#}
with

tickets as (

    select * from {{ ref('stg_zendesk__tickets') }}

),

ticket_metrics as (

    select * from {{ ref('stg_zendesk__ticket_metrics') }}

),

as_of as (

    select * from {{ ref('int_billing__as_of') }}

),

history as (

    select
        min(tickets.created_at_utc) as history_start_utc,
        -- the as-of moment back in UTC
        any_value(timezone('UTC', timezone('{{ var("reporting_timezone") }}', as_of.as_of_at_local))) as as_of_utc,
    from tickets
    cross join as_of

),

incidents as (

    select * from tickets
    where ticket_type = 'incident'

),

problems as (

    select tickets.*
    from tickets
    where tickets.ticket_type = 'problem'
        and (
            tickets.is_process_change
            or exists (select 1 from incidents where incidents.problem_id = tickets.ticket_id)
        )

),

incident_tags as (

    select
        incidents.ticket_id,
        incidents.problem_id,
        unnest(incidents.tags) as tag,
    from incidents

),

tag_frequency as (

    select tag, count(distinct ticket_id) as incident_tickets
    from incident_tags
    group by tag

),

linked_incidents as (

    select problem_id, count(*) as linked_incidents
    from incidents
    where problem_id is not null
    group by problem_id

),

problem_tags as (

    select
        problems.ticket_id as problem_ticket_id,
        problem_tag.tag,
    from problems
    cross join lateral (select unnest(problems.tags) as tag) as problem_tag

),

-- How far a tag is inherited: over every problem carrying it, the share of its
-- linked incidents that carry it too (a category tag: all of them; a plan or
-- channel tag: only some).
tag_inheritance as (

    select
        problem_tags.tag,
        avg(list_contains(incidents.tags, problem_tags.tag)::int) as inherited_share,
    from problem_tags
    inner join incidents on incidents.problem_id = problem_tags.problem_ticket_id
    group by problem_tags.tag

),

category_per_problem as (

    select
        problem_tags.problem_ticket_id,
        arg_min(
            problem_tags.tag,
            (-tag_inheritance.inherited_share, tag_frequency.incident_tickets, problem_tags.tag)
        ) as category,
    from problem_tags
    inner join tag_inheritance on tag_inheritance.tag = problem_tags.tag
    inner join tag_frequency on tag_frequency.tag = problem_tags.tag
    where tag_inheritance.inherited_share > 0
    group by problem_tags.problem_ticket_id

),

changes as (

    select
        problems.ticket_id as problem_ticket_id,
        category_per_problem.category,
        ticket_metrics.solved_at_utc as changed_at_utc,
    from problems
    left join category_per_problem on category_per_problem.problem_ticket_id = problems.ticket_id
    left join ticket_metrics on ticket_metrics.ticket_id = problems.ticket_id
    where problems.is_process_change

),

change_windows as (

    select
        changes.problem_ticket_id,
        count(incidents.ticket_id) filter (where incidents.created_at_utc <= changes.changed_at_utc) as incidents_before,
        count(incidents.ticket_id) filter (where incidents.created_at_utc > changes.changed_at_utc) as incidents_after,
        any_value(
            date_diff('second', history.history_start_utc, least(changes.changed_at_utc, history.as_of_utc))
        ) / 86400.0 as days_before,
        any_value(
            greatest(date_diff('second', changes.changed_at_utc, history.as_of_utc), 0)
        ) / 86400.0 as days_after,
    from changes
    cross join history
    left join incidents
        on list_contains(incidents.tags, changes.category)
        and incidents.created_at_utc <= history.as_of_utc
    where changes.changed_at_utc is not null
        and changes.category is not null
    group by changes.problem_ticket_id

),

final as (

    select
        problems.ticket_id as problem_ticket_id,
        problems.created_at_utc as raised_at_utc,
        cast(problems.created_at_local as date) as raised_date,
        problems.channel,
        problems.channel_group,
        problems.is_social_channel,
        case when problems.is_social_channel then 'social' else 'non_social' end as raised_through,
        category_per_problem.category,
        coalesce(linked_incidents.linked_incidents, 0) as linked_incidents,
        coalesce(problems.is_process_change, false) as led_to_process_change,
        changes.changed_at_utc,
        cast({{ to_local('changes.changed_at_utc') }} as date) as changed_date,
        change_windows.incidents_before,
        change_windows.incidents_after,
        change_windows.days_before,
        change_windows.days_after,
        {{ safe_ratio('change_windows.incidents_before', 'change_windows.days_before') }} as incidents_per_day_before,
        {{ safe_ratio('change_windows.incidents_after', 'change_windows.days_after') }} as incidents_per_day_after,
        {{ safe_ratio('change_windows.incidents_before', 'change_windows.days_before') }} * change_windows.days_after
            - change_windows.incidents_after as incidents_avoided,
    from problems
    left join linked_incidents on linked_incidents.problem_id = problems.ticket_id
    left join category_per_problem on category_per_problem.problem_ticket_id = problems.ticket_id
    left join changes on changes.problem_ticket_id = problems.ticket_id
    left join change_windows on change_windows.problem_ticket_id = problems.ticket_id

)

select * from final
