{{ config(materialized='view') }}
{#- Every source record that feeds an account-day, reduced to (account, local day, when it
    was loaded): posts by publication day, others' messages by the day written, account
    snapshots by snapshot day, daily insights by the day they describe, exported
    followers history by its day (loaded when imported). The incremental
    fct_social_account_days re-reads the days that received a record since its last run,
    however old (a late comment, a re-stated insight), besides its lookback days; the
    account's first and last days here bound its day spine in int_social__account_daily. -#}
with

posts as (

    select * from {{ ref('int_social__posts') }}

),

audience_messages as (

    select * from {{ ref('int_social__audience_messages') }}

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

loads as (

    select account_key, published_date as account_date, 'post' as record_kind,
        timezone('UTC', metrics_extracted_at) as loaded_at_utc,
    from posts
    union all
    select account_key, created_date, 'message', loaded_at_utc from audience_messages
    union all
    select 'instagram:' || account_id, snapshot_date, 'snapshot', timezone('UTC', extracted_at)
    from instagram_accounts
    union all
    select 'instagram:' || account_id, snapshot_date, 'snapshot', timezone('UTC', extracted_at)
    from instagram_competitor_accounts
    union all
    select 'facebook:' || page_id, snapshot_date, 'snapshot', timezone('UTC', extracted_at) from facebook_pages
    union all
    select 'facebook:' || page_id, snapshot_date, 'snapshot', timezone('UTC', extracted_at)
    from facebook_competitor_pages
    union all
    select 'x:' || user_id, snapshot_date, 'snapshot', timezone('UTC', extracted_at) from x_users
    union all
    select 'x:' || user_id, snapshot_date, 'snapshot', timezone('UTC', extracted_at) from x_competitor_users
    union all
    select 'instagram:' || account_id, metric_date, 'insight', timezone('UTC', extracted_at)
    from instagram_account_insights
    union all
    select 'facebook:' || page_id, metric_date, 'insight', timezone('UTC', extracted_at) from facebook_page_insights
    union all
    select account_key, account_date, 'followers_export', timezone('UTC', extracted_at) from exported_followers

),

final as (

    select
        account_key,
        account_date,
        record_kind,
        loaded_at_utc,
    from loads

)

select * from final
