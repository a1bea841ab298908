{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='session_date',
    )
}}

-- One row per web or app session: a device's events with no gap of 30 minutes or more.
-- Incremental: rebuilds the sessions that START in the window (the lookback days before the
-- latest built session_date). Whether an event starts a session depends only on the device's
-- events in the 30 minutes before it, so reading events from 30 minutes (plus one hour of
-- daylight-saving slack) before the window gives the same starts as a full refresh; sessions
-- that start before the window are left as built (their later events are in them already).
with

events as (

    select
        insert_id,
        event_name,
        occurred_at_utc,
        {{ to_local('occurred_at_utc') }} as occurred_at_local,
        -- device_id stitches the anonymous pages before a sign-up to the identified events after it
        coalesce(device_id, distinct_id) as device_key,
        distinct_id,
        user_id,
        is_app_event,
        current_url,
        page_path,
        referrer,
        referring_domain,
        utm_source,
        utm_medium,
        utm_campaign,
        time_on_page_seconds,
        amount,
        currency,
    from {{ ref('stg_mixpanel__events') }}
    where {{ incremental_window('(' ~ to_local('occurred_at_utc') ~ ' + interval 90 minute)', 'session_date') }}

),

channel_rules as (

    select * from {{ ref('referrer_channels') }}

),

mixpanel_links as (

    select
        source_identity as user_id,
        customer_id,
    from {{ ref('int_identity__links') }}
    where source = 'mixpanel_user'

),

{% if is_incremental() %}
-- Sessions kept from earlier runs (before the window), for each visitor's first session.
earlier_visitors as (

    select
        visitor_id,
        min(visitor_first_session_date) as visitor_first_session_date,
    from {{ this }}
    where not ({{ incremental_window('session_date') }})
    group by visitor_id

),
{% endif %}

gaps as (

    select
        *,
        -- a gap of exactly 30:00 starts a new session; 29:59 does not
        coalesce(
            date_diff(
                'second',
                lag(occurred_at_utc) over (partition by device_key order by occurred_at_utc, insert_id),
                occurred_at_utc
            ) >= 1800,
            true
        ) as is_session_start,
    from events

),

numbered as (

    select
        *,
        sum(is_session_start::integer) over (
            partition by device_key
            order by occurred_at_utc, insert_id
            rows between unbounded preceding and current row
        ) as device_session_number,
    from gaps

),

sessions as (

    select
        device_key,
        device_session_number,
        min(occurred_at_utc) as started_at_utc,
        arg_min(occurred_at_local, (occurred_at_utc, insert_id)) as started_at_local,
        max(occurred_at_utc) as ended_at_utc,
        -- the entry is the first event (nulls kept: an untagged entry is untagged)
        arg_min_null(distinct_id, (occurred_at_utc, insert_id)) as first_distinct_id,
        arg_min_null(referrer, (occurred_at_utc, insert_id)) as entry_referrer,
        lower(arg_min_null(referring_domain, (occurred_at_utc, insert_id))) as entry_referring_domain,
        arg_min_null(utm_source, (occurred_at_utc, insert_id)) as utm_source,
        arg_min_null(utm_medium, (occurred_at_utc, insert_id)) as utm_medium,
        arg_min_null(utm_campaign, (occurred_at_utc, insert_id)) as utm_campaign,
        arg_min(page_path, (occurred_at_utc, insert_id)) filter (where event_name = 'Page View') as landing_page_path,
        arg_min(current_url, (occurred_at_utc, insert_id)) filter (where event_name = 'Page View') as landing_page_url,
        -- the identity the session ends with (a sign-up identifies the pages before it)
        arg_max(user_id, (occurred_at_utc, insert_id)) as user_id,
        arg_max(distinct_id, (occurred_at_utc, insert_id)) filter (where user_id is not null) as identified_distinct_id,
        bool_and(is_app_event) as is_app_session,
        count(*) as event_count,
        count(*) filter (where event_name = 'Page View') as pageviews,
        count(*) filter (where event_name = 'Help Center View') as help_center_views,
        coalesce(sum(time_on_page_seconds) filter (where event_name = 'Page View'), 0)::bigint as time_on_page_seconds,
        count(*) filter (where event_name = 'Sign Up') as signups,
        count(*) filter (where event_name = 'Purchase') as purchases,
        coalesce(sum(amount) filter (where event_name = 'Purchase'), 0)::decimal(18, 2) as purchase_revenue,
        max(currency) filter (where event_name = 'Purchase') as purchase_currency,
    from numbered
    group by device_key, device_session_number

),

sessions_in_window as (

    select
        *,
        cast(started_at_local as date) as session_date,
        coalesce('user:' || user_id, 'device:' || device_key) as visitor_id,
    from sessions
    where {{ incremental_window('cast(started_at_local as date)', 'session_date') }}

),

rule_matches as (

    select
        sessions_in_window.device_key,
        sessions_in_window.device_session_number,
        channel_rules.channel,
        coalesce(channel_rules.traffic_source, sessions_in_window.utm_source) as traffic_source,
        coalesce(channel_rules.traffic_medium, sessions_in_window.utm_medium) as traffic_medium,
        channel_rules.social_platform,
    from sessions_in_window
    inner join channel_rules
        on (channel_rules.match_field = 'utm_source' and channel_rules.match_value = sessions_in_window.utm_source)
        or (channel_rules.match_field = 'utm_medium' and channel_rules.match_value = sessions_in_window.utm_medium)
        or (
            channel_rules.match_field = 'referring_domain'
            and (
                sessions_in_window.entry_referring_domain = channel_rules.match_value
                or sessions_in_window.entry_referring_domain like '%.' || channel_rules.match_value
            )
        )
    where not sessions_in_window.is_app_session
    qualify row_number() over (
        partition by sessions_in_window.device_key, sessions_in_window.device_session_number
        order by channel_rules.priority, channel_rules.match_field, channel_rules.match_value
    ) = 1

),

classified as (

    select
        sessions_in_window.*,
        case
            when sessions_in_window.is_app_session then 'app'
            when rule_matches.channel is not null then rule_matches.channel
            when sessions_in_window.utm_source is not null or sessions_in_window.utm_medium is not null then 'other'
            when sessions_in_window.entry_referring_domain is not null then 'referral'
            else 'direct'
        end as channel,
        case
            when sessions_in_window.is_app_session then '(app)'
            when rule_matches.channel is not null then coalesce(rule_matches.traffic_source, '(not set)')
            when sessions_in_window.utm_source is not null then sessions_in_window.utm_source
            when sessions_in_window.utm_medium is not null then '(not set)'
            when sessions_in_window.entry_referring_domain is not null then sessions_in_window.entry_referring_domain
            else '(direct)'
        end as traffic_source,
        case
            when sessions_in_window.is_app_session then '(none)'
            when rule_matches.channel is not null then coalesce(rule_matches.traffic_medium, '(not set)')
            when sessions_in_window.utm_source is not null or sessions_in_window.utm_medium is not null
                then coalesce(sessions_in_window.utm_medium, '(not set)')
            when sessions_in_window.entry_referring_domain is not null then 'referral'
            else '(none)'
        end as traffic_medium,
        rule_matches.social_platform,
    from sessions_in_window
    left join rule_matches
        on rule_matches.device_key = sessions_in_window.device_key
        and rule_matches.device_session_number = sessions_in_window.device_session_number

),

final as (

    select
        md5(classified.device_key || '|' || cast(epoch(classified.started_at_utc) as bigint)) as session_id,
        classified.session_date,
        classified.started_at_utc,
        classified.started_at_local,
        classified.ended_at_utc,
        classified.device_key as device_id,
        coalesce(classified.identified_distinct_id, classified.first_distinct_id) as distinct_id,
        classified.user_id,
        mixpanel_links.customer_id,
        classified.visitor_id,
        {% if is_incremental() -%}
        least(
            min(classified.session_date) over (partition by classified.visitor_id),
            earlier_visitors.visitor_first_session_date
        ) as visitor_first_session_date,
        {%- else -%}
        min(classified.session_date) over (partition by classified.visitor_id) as visitor_first_session_date,
        {%- endif %}
        case when classified.is_app_session then 'app' else 'web' end as session_platform,
        classified.entry_referrer,
        classified.entry_referring_domain,
        classified.utm_source,
        classified.utm_medium,
        classified.utm_campaign,
        classified.channel,
        classified.traffic_source,
        classified.traffic_medium,
        classified.social_platform,
        classified.channel = 'social' as is_social_referral,
        classified.landing_page_path,
        classified.landing_page_url,
        classified.event_count,
        classified.pageviews,
        classified.help_center_views,
        classified.time_on_page_seconds,
        date_diff('second', classified.started_at_utc, classified.ended_at_utc)::bigint as duration_seconds,
        classified.signups > 0 as has_signup,
        classified.signups,
        classified.purchases > 0 as has_purchase,
        classified.purchases,
        classified.purchase_revenue,
        classified.purchase_currency as currency,
    from classified
    left join mixpanel_links on mixpanel_links.user_id = classified.user_id
    {% if is_incremental() %}
    left join earlier_visitors on earlier_visitors.visitor_id = classified.visitor_id
    {% endif %}

)

select * from final
