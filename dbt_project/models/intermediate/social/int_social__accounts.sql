{#- Every social account the extractors fetch, own and competitors', one row per
    platform and account id, with its latest username, name and followers. Usernames
    can change: the latest snapshot's wins. Accounts only exports know (exported posts
    or followers history, no API snapshot) are added with source 'export': no
    username, name or snapshot dates, their latest exported followers, own unless
    their exported posts say they are a competitor's. -#}
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

exported_posts as (

    select * from {{ ref('stg_files__posts') }}

),

exported_followers as (

    select * from {{ ref('stg_files__followers') }}

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

api_accounts as (

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
        'api' as source,
    from snapshots
    group by platform, account_id

),

exported_accounts as (

    select platform || ':' || account_id as account_key, platform, account_id, is_own, true as from_posts,
        cast(null as bigint) as followers_count, cast(null as date) as account_date,
    from exported_posts
    union all
    select account_key, platform, account_id, null, false, followers_count, account_date,
    from exported_followers

),

exported_only as (

    select
        exported_accounts.account_key,
        exported_accounts.platform,
        exported_accounts.account_id,
        -- A followers history does not say whose account it is: own, unless posts say not.
        coalesce(bool_or(exported_accounts.is_own) filter (where exported_accounts.from_posts), true) as is_own,
        cast(null as varchar) as username,
        cast(null as varchar) as account_name,
        arg_max(exported_accounts.followers_count, exported_accounts.account_date) as latest_followers,
        cast(null as date) as latest_snapshot_date,
        cast(null as date) as first_snapshot_date,
        'export' as source,
    from exported_accounts
    anti join api_accounts on api_accounts.account_key = exported_accounts.account_key
    group by exported_accounts.account_key, exported_accounts.platform, exported_accounts.account_id

),

final as (

    select * from api_accounts
    union all
    select * from exported_only

)

select * from final
