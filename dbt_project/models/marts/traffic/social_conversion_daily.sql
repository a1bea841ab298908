-- Conversions and revenue attributed to social platforms, by platform and local day of the
-- purchase session (METRICS.md V1, V2, V6). Two attributions side by side:
--   same session: the purchase happened in a session that entered from the platform (V2);
--   last social touch: the latest social-referral session of the same customer (or, for
--   anonymous purchases, the same device) that started at most attribution_window_days before
--   the purchase session started - the purchase session itself included.
with

sessions as (

    select * from {{ ref('fct_web_sessions') }}

),

social_sessions as (

    select * from sessions where is_social_referral

),

purchase_sessions as (

    select * from sessions where has_purchase

),

days as (

    select cast(unnest(generate_series(min(session_date), max(session_date), interval 1 day)) as date) as session_date
    from sessions

),

platforms as (

    select distinct social_platform from social_sessions

),

spine as (

    select
        days.session_date,
        platforms.social_platform,
    from days
    cross join platforms

),

-- social touches before each purchase: by customer, and by device (anonymous or not)
touches as (

    select
        purchase_sessions.session_id as purchase_session_id,
        social_sessions.session_id as touch_session_id,
        social_sessions.started_at_utc as touch_started_at_utc,
        social_sessions.social_platform,
    from purchase_sessions
    inner join social_sessions
        on social_sessions.customer_id = purchase_sessions.customer_id
    where social_sessions.started_at_utc <= purchase_sessions.started_at_utc
        and social_sessions.started_at_utc
            >= purchase_sessions.started_at_utc - to_days({{ var('attribution_window_days') }})

    union

    select
        purchase_sessions.session_id,
        social_sessions.session_id,
        social_sessions.started_at_utc,
        social_sessions.social_platform,
    from purchase_sessions
    inner join social_sessions
        on social_sessions.device_id = purchase_sessions.device_id
    where social_sessions.started_at_utc <= purchase_sessions.started_at_utc
        and social_sessions.started_at_utc
            >= purchase_sessions.started_at_utc - to_days({{ var('attribution_window_days') }})

),

last_touches as (

    select *
    from touches
    qualify row_number() over (
        partition by purchase_session_id
        order by touch_started_at_utc desc, touch_session_id desc
    ) = 1

),

same_session as (

    select
        session_date,
        social_platform,
        count(*) as social_referral_sessions,
        count(*) filter (where has_purchase) as social_purchase_sessions,
        sum(purchases) as social_conversions,
        sum(purchase_revenue) as same_session_revenue,
        max(currency) as currency,
    from social_sessions
    group by session_date, social_platform

),

last_touch as (

    select
        purchase_sessions.session_date,
        last_touches.social_platform,
        sum(purchase_sessions.purchases) as last_touch_conversions,
        sum(purchase_sessions.purchase_revenue) as last_touch_revenue,
        max(purchase_sessions.currency) as currency,
    from purchase_sessions
    inner join last_touches on last_touches.purchase_session_id = purchase_sessions.session_id
    group by purchase_sessions.session_date, last_touches.social_platform

),

final as (

    select
        spine.session_date,
        spine.social_platform,
        coalesce(same_session.social_referral_sessions, 0) as social_referral_sessions,
        coalesce(same_session.social_purchase_sessions, 0) as social_purchase_sessions,
        coalesce(same_session.social_conversions, 0)::bigint as social_conversions,
        {{ safe_ratio('coalesce(same_session.social_purchase_sessions, 0)', 'coalesce(same_session.social_referral_sessions, 0)') }}
            as social_conversion_rate,
        coalesce(same_session.same_session_revenue, 0)::decimal(18, 2) as same_session_revenue,
        coalesce(last_touch.last_touch_conversions, 0)::bigint as last_touch_conversions,
        coalesce(last_touch.last_touch_revenue, 0)::decimal(18, 2) as last_touch_revenue,
        coalesce(same_session.currency, last_touch.currency) as currency,
        {{ var('attribution_window_days') }} as attribution_window_days,
    from spine
    left join same_session
        on same_session.session_date = spine.session_date
        and same_session.social_platform = spine.social_platform
    left join last_touch
        on last_touch.session_date = spine.session_date
        and last_touch.social_platform = spine.social_platform

)

select * from final
