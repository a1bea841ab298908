-- Rule: attribution never credits more than was bought - on every day, the same-session and
-- the last-touch revenue over all platforms are each at most that day's purchase revenue, and
-- same-session conversions are among the last-touch ones (a social purchase session is its own
-- last social touch).
with

traffic as (
    select session_date, sum(purchase_revenue) as purchase_revenue, sum(purchases) as purchases
    from {{ ref('traffic_channel_daily') }}
    group by session_date
),

social as (
    select
        session_date,
        sum(same_session_revenue) as same_session_revenue,
        sum(last_touch_revenue) as last_touch_revenue,
        sum(social_conversions) as social_conversions,
        sum(last_touch_conversions) as last_touch_conversions,
    from {{ ref('social_conversion_daily') }}
    group by session_date
)

select *
from social
inner join traffic using (session_date)
where social.same_session_revenue > traffic.purchase_revenue
    or social.last_touch_revenue > traffic.purchase_revenue
    or social.social_conversions > social.last_touch_conversions
