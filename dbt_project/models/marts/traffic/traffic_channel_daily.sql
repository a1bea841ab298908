-- Web traffic and conversion by entry channel (source/medium) and local day (METRICS.md V1, V3,
-- V4, V7). Every channel/source/medium ever seen gets a row on every day of the session history,
-- so a day without sessions shows 0 sessions and NULL rates instead of a missing row.
with

sessions as (

    select * from {{ ref('fct_web_sessions') }}

),

days as (

    select cast(unnest(generate_series(min(session_date), max(session_date), interval 1 day)) as date) as session_date
    from sessions

),

channels as (

    select distinct
        channel,
        traffic_source,
        traffic_medium,
    from sessions

),

spine as (

    select
        days.session_date,
        channels.channel,
        channels.traffic_source,
        channels.traffic_medium,
    from days
    cross join channels

),

daily as (

    select
        session_date,
        channel,
        traffic_source,
        traffic_medium,
        count(*) as sessions,
        count(*) filter (where is_social_referral) as social_referral_sessions,
        count(*) filter (where has_purchase) as purchase_sessions,
        count(*) filter (where has_signup) as signup_sessions,
        sum(purchases) as purchases,
        sum(purchase_revenue) as purchase_revenue,
        max(currency) as currency,
        sum(pageviews) as pageviews,
        sum(time_on_page_seconds) as time_on_page_seconds,
        count(distinct visitor_id) as users,
        count(distinct visitor_id) filter (where is_returning_visitor) as returning_users,
    from sessions
    group by session_date, channel, traffic_source, traffic_medium

),

final as (

    select
        spine.session_date,
        spine.channel,
        spine.traffic_source,
        spine.traffic_medium,
        coalesce(daily.sessions, 0) as sessions,
        coalesce(daily.social_referral_sessions, 0) as social_referral_sessions,
        coalesce(daily.purchase_sessions, 0) as purchase_sessions,
        coalesce(daily.signup_sessions, 0) as signup_sessions,
        {{ safe_ratio('coalesce(daily.purchase_sessions, 0)', 'coalesce(daily.sessions, 0)') }} as sales_conversion_rate,
        {{ safe_ratio('coalesce(daily.signup_sessions, 0)', 'coalesce(daily.sessions, 0)') }} as signup_conversion_rate,
        coalesce(daily.purchases, 0)::bigint as purchases,
        coalesce(daily.purchase_revenue, 0)::decimal(18, 2) as purchase_revenue,
        daily.currency,
        coalesce(daily.pageviews, 0)::bigint as pageviews,
        coalesce(daily.time_on_page_seconds, 0)::bigint as time_on_page_seconds,
        {{ safe_ratio('coalesce(daily.time_on_page_seconds, 0)', 'coalesce(daily.pageviews, 0)') }} as avg_time_on_page_seconds,
        {{ safe_ratio('coalesce(daily.pageviews, 0)', 'coalesce(daily.sessions, 0)') }} as pages_per_session,
        coalesce(daily.users, 0) as users,
        coalesce(daily.returning_users, 0) as returning_users,
        {{ safe_ratio('coalesce(daily.returning_users, 0)', 'coalesce(daily.users, 0)') }} as returning_user_share,
    from spine
    left join daily
        on daily.session_date = spine.session_date
        and daily.channel = spine.channel
        and daily.traffic_source = spine.traffic_source
        and daily.traffic_medium = spine.traffic_medium

)

select * from final
