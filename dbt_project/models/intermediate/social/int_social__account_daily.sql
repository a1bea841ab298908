{{ config(materialized='view') }}
{#- Platform x account x local day, for every account (own and competitors) from its
    first to its last observed day: followers at the end of the day, follows and
    unfollows where the platform reports them, posts published, and what others
    wrote (comments, mentions, distinct participants); an account's days run from its
    first to its last day in int_social__account_day_loads. Days are local dates in the
    reporting time zone; daily insights (Facebook page_follows, follows, unfollows,
    Instagram follower_count) are the platform's own daily values and stay on the day
    the platform reports them for (a daily total cannot be re-cut at another midnight).
    NULL means not reported: Instagram reports no unfollows, X neither follows nor
    unfollows, and comments on competitors' posts are not collected. An exported
    followers history (stg_files__followers) fills what the APIs do not serve (days
    before the first run, Instagram's totals): per value, the API's wins on a day both
    know. A view, so the
    incremental fct_social_account_days' date filter reaches the scans below. -#}
with

accounts as (

    select * from {{ ref('int_social__accounts') }}

),

posts as (

    select * from {{ ref('int_social__posts') }}

),

audience_messages as (

    select * from {{ ref('int_social__audience_messages') }}

),

account_day_loads as (

    select * from {{ ref('int_social__account_day_loads') }}

),

instagram_accounts as (

    select * from {{ ref('stg_instagram__accounts') }}

),

instagram_competitor_accounts as (

    select * from {{ ref('stg_instagram__competitor_accounts') }}

),

instagram_account_insights as (

    select * from {{ ref('stg_instagram__account_insights') }}

),

facebook_pages as (

    select * from {{ ref('stg_facebook__pages') }}

),

facebook_competitor_pages as (

    select * from {{ ref('stg_facebook__competitor_pages') }}

),

facebook_page_insights as (

    select * from {{ ref('stg_facebook__page_insights') }}

),

x_users as (

    select * from {{ ref('stg_x__users') }}

),

x_competitor_users as (

    select * from {{ ref('stg_x__competitor_users') }}

),

exported_followers as (

    select * from {{ ref('stg_files__followers') }}

),

snapshots as (

    select 'instagram' as platform, account_id, snapshot_date, followers_count from instagram_accounts
    union all
    select 'instagram', account_id, snapshot_date, followers_count from instagram_competitor_accounts
    union all
    select 'facebook', page_id, snapshot_date, followers_count from facebook_pages
    union all
    select 'facebook', page_id, snapshot_date, followers_count from facebook_competitor_pages
    union all
    select 'x', user_id, snapshot_date, followers_count from x_users
    union all
    select 'x', user_id, snapshot_date, followers_count from x_competitor_users

),

insights as (

    select
        'facebook' as platform,
        page_id as account_id,
        metric_date,
        max(case when metric_name = 'page_follows' then metric_value end) as followers_count,
        max(case when metric_name = 'page_daily_follows_unique' then metric_value end) as new_follows,
        max(case when metric_name = 'page_daily_unfollows_unique' then metric_value end) as unfollows,
    from facebook_page_insights
    group by all

    union all

    -- Instagram's daily follower_count is the day's new followers, not a total.
    select
        'instagram',
        account_id,
        metric_date,
        cast(null as bigint),
        max(case when metric_name = 'follower_count' then metric_value end),
        cast(null as bigint),
    from instagram_account_insights
    group by all

),

posts_by_day as (

    select
        account_key,
        published_date as account_date,
        count(*) as posts_published,
    from posts
    group by all

),

messages_by_day as (

    select
        account_key,
        created_date as account_date,
        count(*) filter (where message_kind in ('comment', 'reply')) as comments_received,
        count(*) filter (where is_mention) as mentions,
        count(distinct author_key) as participants,
    from audience_messages
    group by all

),

loads_by_day as (

    select
        account_key,
        account_date,
        max(loaded_at_utc) as loaded_through_at_utc,
    from account_day_loads
    group by all

),

spine as (

    select
        accounts.account_key,
        accounts.platform,
        accounts.account_id,
        accounts.is_own,
        cast(day.account_date as date) as account_date,
    from accounts
    inner join (
        select account_key, min(account_date) as first_date, max(account_date) as last_date
        from account_day_loads
        group by account_key
    ) as bounds on bounds.account_key = accounts.account_key
    cross join lateral generate_series(bounds.first_date, bounds.last_date, interval 1 day) as day(account_date)

),

final as (

    select
        spine.account_key || '|' || cast(spine.account_date as varchar) as account_day_id,
        spine.account_key,
        spine.platform,
        spine.account_id,
        spine.is_own,
        spine.account_date,
        -- The platform's end-of-day count where it reports one, else the day's last
        -- snapshot, else the export's.
        coalesce(insights.followers_count, snapshots.followers_count, exported_followers.followers_count)
            as followers,
        case
            when insights.followers_count is not null then 'insights'
            when snapshots.followers_count is not null then 'snapshot'
            when exported_followers.followers_count is not null then 'export'
        end as followers_source,
        coalesce(insights.new_follows, exported_followers.new_follows) as new_follows,
        coalesce(insights.unfollows, exported_followers.unfollows) as unfollows,
        coalesce(posts_by_day.posts_published, 0) as posts_published,
        -- Others' comments are collected on own Instagram and Facebook posts only (replies
        -- to X posts are not), mentions on X for every account.
        case
            when spine.is_own and spine.platform in ('instagram', 'facebook')
                then coalesce(messages_by_day.comments_received, 0)
        end as comments_received,
        case
            when spine.is_own or spine.platform = 'x' then coalesce(messages_by_day.mentions, 0)
        end as mentions,
        case
            when spine.is_own or spine.platform = 'x' then coalesce(messages_by_day.participants, 0)
        end as participants,
        -- The latest load of any record of the day (NULL on days nothing describes).
        loads_by_day.loaded_through_at_utc,
    from spine
    left join snapshots
        on snapshots.platform || ':' || snapshots.account_id = spine.account_key
        and snapshots.snapshot_date = spine.account_date
    left join insights
        on insights.platform || ':' || insights.account_id = spine.account_key
        and insights.metric_date = spine.account_date
    left join exported_followers
        on exported_followers.account_key = spine.account_key
        and exported_followers.account_date = spine.account_date
    left join posts_by_day
        on posts_by_day.account_key = spine.account_key
        and posts_by_day.account_date = spine.account_date
    left join messages_by_day
        on messages_by_day.account_key = spine.account_key
        and messages_by_day.account_date = spine.account_date
    left join loads_by_day
        on loads_by_day.account_key = spine.account_key
        and loads_by_day.account_date = spine.account_date

)

select * from final
