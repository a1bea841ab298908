-- One row per sent email campaign: recipients, deliveries, unique openers and clickers from
-- the per-member activity, and the rates (METRICS.md V5 email CTR, V8 open and click rates).
with

campaigns as (

    select * from {{ ref('dim_email_campaigns') }}

),

activity as (

    select * from {{ ref('fct_email_activity') }}

),

per_member as (

    select
        campaign_id,
        member_id,
        sum(sends) as sends,
        sum(deliveries) as deliveries,
        sum(bounces) as bounces,
        sum(opens) as opens,
        sum(clicks) as clicks,
    from activity
    group by campaign_id, member_id

),

per_campaign as (

    select
        campaign_id,
        count(*) filter (where sends > 0) as emails_sent,
        count(*) filter (where bounces > 0) as bounced_recipients,
        count(*) filter (where deliveries > 0) as delivered,
        -- unique: a recipient counts once however often they opened or clicked; opens and
        -- clicks of delivered recipients only, so the rates stay within [0, 1]
        count(*) filter (where deliveries > 0 and opens > 0) as unique_openers,
        count(*) filter (where deliveries > 0 and clicks > 0) as unique_clickers,
        sum(opens) as total_opens,
        sum(clicks) as total_clicks,
    from per_member
    group by campaign_id

),

final as (

    select
        campaigns.campaign_id,
        campaigns.list_id,
        campaigns.campaign_title,
        campaigns.subject_line,
        campaigns.utm_campaign,
        campaigns.sent_at_utc,
        campaigns.sent_date,
        coalesce(per_campaign.emails_sent, 0) as emails_sent,
        coalesce(per_campaign.bounced_recipients, 0) as bounced_recipients,
        coalesce(per_campaign.delivered, 0) as delivered,
        coalesce(per_campaign.unique_openers, 0) as unique_openers,
        coalesce(per_campaign.unique_clickers, 0) as unique_clickers,
        coalesce(per_campaign.total_opens, 0)::bigint as total_opens,
        coalesce(per_campaign.total_clicks, 0)::bigint as total_clicks,
        {{ safe_ratio('coalesce(per_campaign.unique_clickers, 0)', 'coalesce(per_campaign.delivered, 0)') }}
            as click_through_rate,
        {{ safe_ratio('coalesce(per_campaign.unique_openers, 0)', 'coalesce(per_campaign.delivered, 0)') }}
            as open_rate,
        {{ safe_ratio('coalesce(per_campaign.unique_clickers, 0)', 'coalesce(per_campaign.unique_openers, 0)') }}
            as click_to_open_rate,
        {{ safe_ratio('coalesce(per_campaign.bounced_recipients, 0)', 'coalesce(per_campaign.emails_sent, 0)') }}
            as bounce_rate,
    from campaigns
    left join per_campaign on per_campaign.campaign_id = campaigns.campaign_id

)

select * from final
