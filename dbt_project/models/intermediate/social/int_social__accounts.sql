{#- Every social account the extractors fetch, own and competitors', one row per
    platform and account id, with its latest username, name and followers. Usernames
    can change: the latest snapshot's wins. -#}
with

instagram_accounts as (

    select * from {{ ref('stg_instagram__accounts') }}

),

instagram_competitor_accounts as (

    select * from {{ ref('stg_instagram__competitor_accounts') }}

),

facebook_pages as (

    select * from {{ ref('stg_facebook__pages') }}

),

facebook_competitor_pages as (

    select * from {{ ref('stg_facebook__competitor_pages') }}

),

x_users as (

    select * from {{ ref('stg_x__users') }}

),

x_competitor_users as (

    select * from {{ ref('stg_x__competitor_users') }}

),

snapshots as (

    select 'instagram' as platform, account_id, true as is_own, username, account_name,
        followers_count, snapshot_date, snapshot_at_utc,
    from instagram_accounts
    union all
    select 'instagram', account_id, false, username, account_name, followers_count, snapshot_date, snapshot_at_utc,
    from instagram_competitor_accounts
    union all
    select 'facebook', page_id, true, username, page_name, followers_count, snapshot_date, snapshot_at_utc,
    from facebook_pages
    union all
    select 'facebook', page_id, false, username, page_name, followers_count, snapshot_date, snapshot_at_utc,
    from facebook_competitor_pages
    union all
    select 'x', user_id, true, username, display_name, followers_count, snapshot_date, snapshot_at_utc,
    from x_users
    union all
    select 'x', user_id, false, username, display_name, followers_count, snapshot_date, snapshot_at_utc,
    from x_competitor_users

),

final as (

    select
        platform || ':' || account_id as account_key,
        platform,
        account_id,
        -- An account fetched as the brand's is own even if a competitor list also names it.
        bool_or(is_own) as is_own,
        arg_max(username, snapshot_at_utc) as username,
        arg_max(account_name, snapshot_at_utc) as account_name,
        arg_max(followers_count, snapshot_at_utc) as latest_followers,
        max(snapshot_date) as latest_snapshot_date,
        min(snapshot_date) as first_snapshot_date,
    from snapshots
    group by platform, account_id

)

select * from final
