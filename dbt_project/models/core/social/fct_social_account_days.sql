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
    gives what a full refresh gives even for late or re-stated data), and the days a
    new record adds to an account's span (an imported history before its first built
    day, a new account): those have rows without records of their own. Interactions on a
    day's posts are not here - they keep growing after the day - but in the marts, from
    fct_social_posts. -#}
with

{% if is_incremental() %}
new_loads as (

    select account_key, account_date
    from {{ ref('int_social__account_day_loads') }}
    where loaded_at_utc > (select max(loaded_through_at_utc) from {{ this }})

),

built_spans as (

    select account_key, min(account_date) as first_date, max(account_date) as last_date
    from {{ this }}
    group by account_key

),

-- Every day an account with a new record has records on: an account with no built day yet
-- (new, or known only now - an export of its posts after one of its messages) gets them all.
load_spans as (

    select account_key, min(account_date) as first_date, max(account_date) as last_date
    from {{ ref('int_social__account_day_loads') }}
    where account_key in (select account_key from new_loads)
    group by account_key

),

-- Days between a new record and the account's built span (all its days when none is built).
span_extensions as (

    select
        new_loads.account_key,
        case when any_value(built_spans.account_key) is null then any_value(load_spans.first_date)
             else min(new_loads.account_date) end as new_first_date,
        case when any_value(built_spans.account_key) is null then any_value(load_spans.last_date)
             else max(new_loads.account_date) end as new_last_date,
        any_value(built_spans.first_date) as built_first_date,
        any_value(built_spans.last_date) as built_last_date,
    from new_loads
    left join built_spans on built_spans.account_key = new_loads.account_key
    left join load_spans on load_spans.account_key = new_loads.account_key
    group by new_loads.account_key

),

reread_days as (

    select account_date from new_loads
    union
    select cast(unnest(generate_series(
        new_first_date, coalesce(built_first_date - 1, new_last_date), interval 1 day
    )) as date)
    from span_extensions
    where built_first_date is null or new_first_date < built_first_date
    union
    select cast(unnest(generate_series(built_last_date + 1, new_last_date, interval 1 day)) as date)
    from span_extensions
    where new_last_date > built_last_date

),
{% endif %}

account_days as (

    select * from {{ ref('int_social__account_daily') }}
    where {{ incremental_window('account_date') }}
    {% if is_incremental() %}
        or account_date in (select account_date from reread_days)
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
