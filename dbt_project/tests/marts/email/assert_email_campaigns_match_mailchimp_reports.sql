-- Rule: the per-member recomputation agrees with Mailchimp's own report of each campaign
-- (recipients, delivered, unique openers and clickers) - a warning, because a report is
-- fetched at its own time and a campaign sent to a segment has fewer recipients than the
-- audience members subscribed at send time.
{{ config(severity='warn') }}
select
    email_campaigns.campaign_id,
    email_campaigns.emails_sent,
    dim_email_campaigns.reported_emails_sent,
    email_campaigns.delivered,
    dim_email_campaigns.reported_delivered,
    email_campaigns.unique_openers,
    dim_email_campaigns.reported_unique_opens,
    email_campaigns.unique_clickers,
    dim_email_campaigns.reported_unique_clicks,
from {{ ref('email_campaigns') }} as email_campaigns
inner join {{ ref('dim_email_campaigns') }} as dim_email_campaigns using (campaign_id)
where dim_email_campaigns.reported_emails_sent is not null
    and (
        email_campaigns.emails_sent <> dim_email_campaigns.reported_emails_sent
        or email_campaigns.delivered <> dim_email_campaigns.reported_delivered
        or email_campaigns.unique_openers <> dim_email_campaigns.reported_unique_opens
        or email_campaigns.unique_clickers <> dim_email_campaigns.reported_unique_clicks
    )
