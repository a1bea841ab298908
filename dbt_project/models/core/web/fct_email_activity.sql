{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='activity_date',
    )
}}

-- One row per campaign x member x local day with activity: the send (on the send day) and the
-- bounces, opens, clicks and unsubscribes of each day. Mailchimp's email-activity records list
-- every recipient, but staging keeps only recipients with an action, so the sends are derived:
-- the recipients of a campaign are the members of its audience subscribed at its send time
-- (opted in before it, and not unsubscribed/cleaned before it). Opens and clicks arrive for
-- weeks after a send; keying on the day of the action lets a night add a day.
-- Exported activity (stg_files__email_activities) counts like Mailchimp's. Its member_id is
-- md5 of the lower-cased email, Mailchimp's subscriber hash, so a person is one member in
-- both. An exported action Mailchimp also has (same campaign, recipient, action and time) is
-- Mailchimp's. The recipients of a campaign only exports know are everyone the export names
-- for it, sent at their own 'sent' row, else at the campaign's send time (dim_email_campaigns);
-- a campaign Mailchimp lists keeps its audience as recipients. An import is new data of old
-- days: a night re-reads, besides the lookback days, every day of the campaigns that received
-- an imported record since the last run.
with

campaigns as (

    select * from {{ ref('stg_mailchimp__campaigns') }}

),

members as (

    select * from {{ ref('stg_mailchimp__members') }}

),

all_activities as (

    select * from {{ ref('stg_mailchimp__email_activities') }}

),

exported_campaigns as (

    select * from {{ ref('dim_email_campaigns') }}
    where source = 'export'

),

all_exported_activities as (

    select
        *,
        md5(email_normalized) as member_id,
        timezone('UTC', extracted_at) as imported_at_utc,
    from {{ ref('stg_files__email_activities') }}

),

member_links as (

    select
        source_identity as member_id,
        customer_id,
    from {{ ref('int_identity__links') }}
    where source = 'mailchimp_member'

),

{% if is_incremental() %}
reimported_campaigns as (

    select distinct campaign_id
    from all_exported_activities
    where imported_at_utc > (select coalesce(max(imported_at_utc), '1900-01-01'::timestamp) from {{ this }})

),

reimported_days as (

    select cast({{ to_local('occurred_at_utc') }} as date) as activity_date
    from all_exported_activities
    where campaign_id in (select campaign_id from reimported_campaigns)
    union
    select sent_date
    from exported_campaigns
    where campaign_id in (select campaign_id from reimported_campaigns)

),
{% endif %}

{#- The days a run rebuilds: the lookback window, and the days of re-imported campaigns;
    each filter below puts its day expression in place of DAY. -#}
{%- set rebuilt_template -%}
    ({{ incremental_window('DAY', 'activity_date') }}
    {%- if is_incremental() %} or DAY in (select activity_date from reimported_days){% endif %})
{%- endset %}

activities as (

    select * from all_activities
    where {{ rebuilt_template | replace('DAY', 'cast(' ~ to_local('occurred_at_utc') ~ ' as date)') }}

),

bounced as (

    -- a recipient whose email bounced (at any time) was not delivered
    select campaign_id, email_id as member_id from all_activities where action = 'bounce'
    union
    select campaign_id, member_id from all_exported_activities where action = 'bounce'

),

sends as (

    select
        cast({{ to_local('campaigns.sent_at_utc') }} as date) as activity_date,
        campaigns.campaign_id,
        campaigns.list_id,
        members.member_id,
        1 as sends,
        case when bounced.member_id is null then 1 else 0 end as deliveries,
        cast(null as timestamp) as imported_at_utc,
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
        and {{ rebuilt_template | replace('DAY', 'cast(' ~ to_local('campaigns.sent_at_utc') ~ ' as date)') }}

),

exported_recipients as (

    select
        exported.campaign_id,
        exported.member_id,
        coalesce(
            min(exported.occurred_at_utc) filter (where exported.action = 'sent'),
            any_value(exported_campaigns.sent_at_utc)
        ) as sent_at_utc,
        max(exported.imported_at_utc) as imported_at_utc,
    from all_exported_activities as exported
    inner join exported_campaigns on exported_campaigns.campaign_id = exported.campaign_id
    group by exported.campaign_id, exported.member_id

),

exported_sends as (

    select
        cast({{ to_local('exported_recipients.sent_at_utc') }} as date) as activity_date,
        exported_recipients.campaign_id,
        cast(null as varchar) as list_id,
        exported_recipients.member_id,
        1 as sends,
        case when bounced.member_id is null then 1 else 0 end as deliveries,
        exported_recipients.imported_at_utc,
    from exported_recipients
    left join bounced
        on bounced.campaign_id = exported_recipients.campaign_id
        and bounced.member_id = exported_recipients.member_id
    where {{ rebuilt_template | replace('DAY', 'cast(' ~ to_local('exported_recipients.sent_at_utc') ~ ' as date)') }}

),

exported_actions as (

    select
        exported.campaign_id,
        exported.member_id as email_id,
        exported.action,
        exported.bounce_type,
        exported.occurred_at_utc,
        exported.imported_at_utc,
    from all_exported_activities as exported
    -- Mailchimp's record of the same action wins.
    anti join activities
        on activities.campaign_id = exported.campaign_id
        and activities.email_id = exported.member_id
        and activities.action = exported.action
        and activities.occurred_at_utc = exported.occurred_at_utc
    where exported.action <> 'sent'
        and {{ rebuilt_template | replace('DAY', 'cast(' ~ to_local('exported.occurred_at_utc') ~ ' as date)') }}

),

all_actions as (

    select
        campaign_id,
        list_id,
        email_id,
        action,
        bounce_type,
        occurred_at_utc,
        cast(null as timestamp) as imported_at_utc,
    from activities
    union all
    select
        exported_actions.campaign_id,
        campaigns.list_id,
        exported_actions.email_id,
        exported_actions.action,
        exported_actions.bounce_type,
        exported_actions.occurred_at_utc,
        exported_actions.imported_at_utc,
    from exported_actions
    left join campaigns on campaigns.campaign_id = exported_actions.campaign_id

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
        (action = 'unsubscribe')::integer as unsubscribes,
        imported_at_utc,
    from all_actions

),

unioned as (

    select
        *,
        0 as bounces,
        0 as hard_bounces,
        0 as soft_bounces,
        0 as opens,
        0 as clicks,
        0 as unsubscribes,
    from (select * from sends union all select * from exported_sends)
    union all by name
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
        sum(unsubscribes)::integer as unsubscribes,
        max(imported_at_utc) as imported_at_utc,
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
        aggregated.unsubscribes,
        aggregated.imported_at_utc,
    from aggregated
    left join member_links on member_links.member_id = aggregated.member_id

)

select * from final
