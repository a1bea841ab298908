-- Subscribers and their recent opens per audience and local day (METRICS.md V8): how many
-- members were subscribed at the end of the day, and how many of THOSE opened any campaign in
-- the 7 (30) days ending that day. Set-based: each member contributes intervals of days
-- (subscribed; covered by an open) and a running sum of +1/-1 steps counts them per day.
with

members as (

    select * from {{ ref('stg_mailchimp__members') }}

),

activity as (

    select * from {{ ref('fct_email_activity') }}

),

-- a member is subscribed at the end of the days [subscribed_from, subscribed_until)
memberships as (

    select
        list_id,
        member_id,
        cast({{ to_local('opted_in_at_utc') }} as date) as subscribed_from,
        case
            when status in ('unsubscribed', 'cleaned', 'archived') then cast({{ to_local('last_changed_at_utc') }} as date)
        end as subscribed_until,
    from members
    where opted_in_at_utc is not null
        and status in ('subscribed', 'unsubscribed', 'cleaned', 'archived')

),

open_days as (

    select distinct
        list_id,
        member_id,
        activity_date as open_date,
    from activity
    where opens > 0

),

-- an open on day o covers the days [o, o + N); stopping each interval at the member's next
-- open day makes one member's intervals disjoint, so summing them counts members, not opens
open_intervals as (

    select
        list_id,
        member_id,
        open_date,
        lead(open_date) over (partition by list_id, member_id order by open_date) as next_open_date,
    from open_days

),

windows as (

    select 7 as window_days
    union all
    select 30

),

covered as (

    select
        windows.window_days,
        open_intervals.list_id,
        greatest(open_intervals.open_date, memberships.subscribed_from) as covered_from,
        least(
            coalesce(open_intervals.next_open_date, open_intervals.open_date + windows.window_days),
            open_intervals.open_date + windows.window_days,
            coalesce(memberships.subscribed_until, open_intervals.open_date + windows.window_days)
        ) as covered_until,
    from open_intervals
    cross join windows
    inner join memberships
        on memberships.list_id = open_intervals.list_id
        and memberships.member_id = open_intervals.member_id

),

steps as (

    select list_id, subscribed_from as step_date, 'subscribed' as measure, 1 as step from memberships
    union all
    select list_id, subscribed_until, 'subscribed', -1 from memberships where subscribed_until is not null
    union all
    select list_id, covered_from, 'opened_' || window_days, 1 from covered where covered_from < covered_until
    union all
    select list_id, covered_until, 'opened_' || window_days, -1 from covered where covered_from < covered_until

),

daily_steps as (

    select
        list_id,
        step_date,
        sum(step) filter (where measure = 'subscribed') as subscribed_step,
        sum(step) filter (where measure = 'opened_7') as opened_7_step,
        sum(step) filter (where measure = 'opened_30') as opened_30_step,
    from steps
    group by list_id, step_date

),

daily_activity as (

    select
        list_id,
        activity_date,
        sum(deliveries) as emails_delivered,
        sum(opens) as opens,
        sum(clicks) as clicks,
        count(distinct member_id) filter (where opens > 0) as members_opened,
        count(distinct member_id) filter (where clicks > 0) as members_clicked,
    from activity
    group by list_id, activity_date

),

days as (

    select cast(unnest(generate_series(
        (select min(subscribed_from) from memberships),
        {{ as_of_date() }},
        interval 1 day
    )) as date) as activity_date

),

lists as (

    select distinct list_id from memberships

),

spine as (

    select
        lists.list_id,
        days.activity_date,
    from lists
    cross join days

),

running as (

    select
        spine.list_id,
        spine.activity_date,
        sum(coalesce(daily_steps.subscribed_step, 0)) over w as subscribed_members,
        sum(coalesce(daily_steps.opened_7_step, 0)) over w as subscribers_opened_last_7_days,
        sum(coalesce(daily_steps.opened_30_step, 0)) over w as subscribers_opened_last_30_days,
    from spine
    left join daily_steps
        on daily_steps.list_id = spine.list_id
        and daily_steps.step_date = spine.activity_date
    window w as (partition by spine.list_id order by spine.activity_date rows between unbounded preceding and current row)

),

final as (

    select
        running.activity_date,
        running.list_id,
        running.subscribed_members::bigint as subscribed_members,
        running.subscribers_opened_last_7_days::bigint as subscribers_opened_last_7_days,
        running.subscribers_opened_last_30_days::bigint as subscribers_opened_last_30_days,
        {{ safe_ratio('running.subscribers_opened_last_7_days', 'running.subscribed_members') }}
            as opened_last_7_days_share,
        {{ safe_ratio('running.subscribers_opened_last_30_days', 'running.subscribed_members') }}
            as opened_last_30_days_share,
        coalesce(daily_activity.emails_delivered, 0)::bigint as emails_delivered,
        coalesce(daily_activity.opens, 0)::bigint as opens,
        coalesce(daily_activity.clicks, 0)::bigint as clicks,
        coalesce(daily_activity.members_opened, 0) as members_opened,
        coalesce(daily_activity.members_clicked, 0) as members_clicked,
    from running
    left join daily_activity
        on daily_activity.list_id = running.list_id
        and daily_activity.activity_date = running.activity_date

)

select * from final
