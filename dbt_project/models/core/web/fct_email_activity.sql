{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='activity_date',
    )
}}

-- One row per campaign x member x local day with activity: the send (on the send day) and the
-- bounces, opens and clicks of each day. Mailchimp's email-activity records list every
-- recipient, but staging keeps only recipients with an action, so the sends are derived: the
-- recipients of a campaign are the members of its audience subscribed at its send time
-- (opted in before it, and not unsubscribed/cleaned before it). Opens and clicks arrive for
-- weeks after a send; keying on the day of the action lets a night add a day.
with

campaigns as (

    select * from {{ ref('stg_mailchimp__campaigns') }}

),

members as (

    select * from {{ ref('stg_mailchimp__members') }}

),

activities as (

    select * from {{ ref('stg_mailchimp__email_activities') }}
    where {{ incremental_window('cast(' ~ to_local('occurred_at_utc') ~ ' as date)', 'activity_date') }}

),

member_links as (

    select
        source_identity as member_id,
        customer_id,
    from {{ ref('int_identity__links') }}
    where source = 'mailchimp_member'

),

bounced as (

    -- a recipient whose email bounced (at any time) was not delivered
    select distinct
        campaign_id,
        email_id as member_id,
    from {{ ref('stg_mailchimp__email_activities') }}
    where action = 'bounce'

),

sends as (

    select
        cast({{ to_local('campaigns.sent_at_utc') }} as date) as activity_date,
        campaigns.campaign_id,
        campaigns.list_id,
        members.member_id,
        1 as sends,
        case when bounced.member_id is null then 1 else 0 end as deliveries,
        0 as bounces,
        0 as hard_bounces,
        0 as soft_bounces,
        0 as opens,
        0 as clicks,
    from campaigns
    inner join members
        on members.list_id = campaigns.list_id
        and members.opted_in_at_utc <= campaigns.sent_at_utc
        and not (
            members.status in ('unsubscribed', 'cleaned', 'archived')
            and members.last_changed_at_utc <= campaigns.sent_at_utc
        )
    left join bounced
        on bounced.campaign_id = campaigns.campaign_id
        and bounced.member_id = members.member_id
    where campaigns.sent_at_utc is not null
        and {{ incremental_window('cast(' ~ to_local('campaigns.sent_at_utc') ~ ' as date)', 'activity_date') }}

),

actions as (

    select
        cast({{ to_local('occurred_at_utc') }} as date) as activity_date,
        campaign_id,
        list_id,
        email_id as member_id,
        0 as sends,
        0 as deliveries,
        (action = 'bounce')::integer as bounces,
        (action = 'bounce' and bounce_type = 'hard')::integer as hard_bounces,
        (action = 'bounce' and coalesce(bounce_type, '') <> 'hard')::integer as soft_bounces,
        (action = 'open')::integer as opens,
        (action = 'click')::integer as clicks,
    from activities

),

unioned as (

    select * from sends
    union all
    select * from actions

),

aggregated as (

    select
        activity_date,
        campaign_id,
        max(list_id) as list_id,
        member_id,
        sum(sends)::integer as sends,
        sum(deliveries)::integer as deliveries,
        sum(bounces)::integer as bounces,
        sum(hard_bounces)::integer as hard_bounces,
        sum(soft_bounces)::integer as soft_bounces,
        sum(opens)::integer as opens,
        sum(clicks)::integer as clicks,
    from unioned
    group by activity_date, campaign_id, member_id

),

final as (

    select
        md5(concat_ws('|', aggregated.campaign_id, aggregated.member_id, cast(aggregated.activity_date as varchar)))
            as email_activity_day_id,
        aggregated.activity_date,
        aggregated.campaign_id,
        aggregated.list_id,
        aggregated.member_id,
        member_links.customer_id,
        aggregated.sends,
        aggregated.deliveries,
        aggregated.bounces,
        aggregated.hard_bounces,
        aggregated.soft_bounces,
        aggregated.opens,
        aggregated.clicks,
    from aggregated
    left join member_links on member_links.member_id = aggregated.member_id

)

select * from final
