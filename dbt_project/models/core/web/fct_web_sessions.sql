{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='session_date',
    )
}}

-- The analyst-facing session fact: int_web__sessions' rows (sessionised incrementally there),
-- re-read for the lookback days only, with the flags the traffic marts group by.
with

sessions as (

    select * from {{ ref('int_web__sessions') }}
    where {{ incremental_window('session_date') }}

),

final as (

    select
        session_id,
        session_date,
        started_at_utc,
        started_at_local,
        ended_at_utc,
        device_id,
        distinct_id,
        user_id,
        customer_id,
        visitor_id,
        visitor_first_session_date,
        -- returning: the visitor had a session on an earlier local day (a second visit on the
        -- day of the first is still a new visitor's day, as in Google Analytics' new users)
        visitor_first_session_date < session_date as is_returning_visitor,
        session_platform,
        channel,
        traffic_source,
        traffic_medium,
        social_platform,
        is_social_referral,
        entry_referrer,
        entry_referring_domain,
        utm_source,
        utm_medium,
        utm_campaign,
        landing_page_path,
        event_count,
        pageviews,
        help_center_views,
        time_on_page_seconds,
        duration_seconds,
        has_signup,
        signups,
        has_purchase,
        purchases,
        purchase_revenue,
        currency,
    from sessions

)

select * from final
