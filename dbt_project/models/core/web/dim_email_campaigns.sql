-- One row per sent Mailchimp campaign, with Mailchimp's own report figures beside it
-- (the marts recompute opens and clicks from the per-member activity).
with

campaigns as (

    select * from {{ ref('stg_mailchimp__campaigns') }}

),

reports as (

    select * from {{ ref('stg_mailchimp__reports') }}

),

final as (

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
    from campaigns
    left join reports on reports.campaign_id = campaigns.campaign_id
    where campaigns.sent_at_utc is not null

)

select * from final
