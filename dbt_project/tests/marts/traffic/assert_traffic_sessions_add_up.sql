-- Rule: the traffic mart loses and invents no session - its sessions, purchases and V1 social
-- referral sessions add up to core.fct_web_sessions', and its social referral sessions equal
-- the social conversion mart's.
with

facts as (
    select
        count(*) as sessions,
        count(*) filter (where is_social_referral) as social_referral_sessions,
        sum(purchases) as purchases,
    from {{ ref('fct_web_sessions') }}
),

traffic as (
    select
        sum(sessions) as sessions,
        sum(social_referral_sessions) as social_referral_sessions,
        sum(purchases) as purchases,
    from {{ ref('traffic_channel_daily') }}
),

social as (
    select sum(social_referral_sessions) as social_referral_sessions
    from {{ ref('social_conversion_daily') }}
)

select *
from facts, traffic, social
where facts.sessions <> traffic.sessions
    or facts.social_referral_sessions <> traffic.social_referral_sessions
    or facts.purchases <> traffic.purchases
    or facts.social_referral_sessions <> social.social_referral_sessions
