-- depends_on: {{ ref('int_social__account_day_loads') }}
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='account_date',
    )
}}
{#- Platform x account x local day for every account (own and competitors'): followers
    at the end of the day (E1), follows and unfollows where reported (E3), posts
    published (E5), comments received, mentions (E12) and distinct participants (E14).
    Incremental: a night re-reads the lookback days and every older day that received a
    record since the last run (a day's row depends on that day's records only, so this
    gives what a full refresh gives even for late or re-stated data). Interactions on a
    day's posts are not here - they keep growing after the day - but in the marts, from
    fct_social_posts. -#}
with

account_days as (

    select * from {{ ref('int_social__account_daily') }}
    where {{ incremental_window('account_date') }}
    {% if is_incremental() %}
        or account_date in (
            select account_date
            from {{ ref('int_social__account_day_loads') }}
            where loaded_at_utc > (select max(loaded_through_at_utc) from {{ this }})
        )
    {% endif %}

),

final as (

    select
        account_day_id,
        account_key,
        platform,
        account_id,
        is_own,
        account_date,
        followers,
        followers_source,
        new_follows,
        unfollows,
        posts_published,
        comments_received,
        mentions,
        participants,
        loaded_through_at_utc,
    from account_days

)

select * from final
