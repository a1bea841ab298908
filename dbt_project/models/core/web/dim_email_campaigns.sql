-- One row per sent campaign, with Mailchimp's own report figures beside it (the marts
-- recompute opens and clicks from the per-member activity). Campaigns only exports know
-- (stg_files__email_activities) are added with source 'export': their name, and as send
-- time their first 'sent' row, else their first action (an export may list actions only);
-- a campaign Mailchimp lists is Mailchimp's.
with

campaigns as (

    select * from {{ ref('stg_mailchimp__campaigns') }}

),

reports as (

    select * from {{ ref('stg_mailchimp__reports') }}

),

exported_activities as (

    select * from {{ ref('stg_files__email_activities') }}

),

api_campaigns as (

    select
        campaigns.campaign_id,
        campaigns.list_id,
        campaigns.campaign_type,
        campaigns.campaign_title,
        campaigns.subject_line,
        campaigns.utm_campaign,
        campaigns.created_at_utc,
        campaigns.sent_at_utc,
        {{ to_local('campaigns.sent_at_utc') }} as sent_at_local,
        cast({{ to_local('campaigns.sent_at_utc') }} as date) as sent_date,
        coalesce(reports.emails_sent, campaigns.emails_sent) as reported_emails_sent,
        reports.delivered_count as reported_delivered,
        reports.hard_bounce_count as reported_hard_bounces,
        reports.soft_bounce_count as reported_soft_bounces,
        reports.unsubscribe_count as reported_unsubscribes,
        reports.unique_open_count as reported_unique_opens,
        reports.unique_subscriber_click_count as reported_unique_clicks,
        reports.open_rate as reported_open_rate,
        reports.click_rate as reported_click_rate,
        'api' as source,
    from campaigns
    left join reports on reports.campaign_id = campaigns.campaign_id
    where campaigns.sent_at_utc is not null

),

exported_campaigns as (

    select
        exported_activities.campaign_id,
        arg_max(exported_activities.campaign_name, exported_activities.extracted_at)
            filter (where exported_activities.campaign_name is not null) as campaign_title,
        coalesce(
            min(exported_activities.occurred_at_utc) filter (where exported_activities.action = 'sent'),
            min(exported_activities.occurred_at_utc)
        ) as sent_at_utc,
    from exported_activities
    anti join campaigns on campaigns.campaign_id = exported_activities.campaign_id
    group by exported_activities.campaign_id

),

exported as (

    select
        campaign_id,
        cast(null as varchar) as list_id,
        cast(null as varchar) as campaign_type,
        campaign_title,
        cast(null as varchar) as subject_line,
        cast(null as varchar) as utm_campaign,
        cast(null as timestamp) as created_at_utc,
        sent_at_utc,
        {{ to_local('sent_at_utc') }} as sent_at_local,
        cast({{ to_local('sent_at_utc') }} as date) as sent_date,
        -- Mailchimp's report figures: an export has none.
        cast(null as bigint) as reported_emails_sent,
        cast(null as bigint) as reported_delivered,
        cast(null as bigint) as reported_hard_bounces,
        cast(null as bigint) as reported_soft_bounces,
        cast(null as bigint) as reported_unsubscribes,
        cast(null as bigint) as reported_unique_opens,
        cast(null as bigint) as reported_unique_clicks,
        cast(null as double) as reported_open_rate,
        cast(null as double) as reported_click_rate,
        'export' as source,
    from exported_campaigns

),

final as (

    select * from api_campaigns
    union all by name
    select * from exported

)

select * from final
