{#- One row per social account, own and competitors', on every platform, with the
    tracked-competitor flag from the seed reference.tracked_competitors (matched on
    platform and lower-case username). -#}
with

accounts as (

    select * from {{ ref('int_social__accounts') }}

),

tracked_competitors as (

    select * from {{ ref('tracked_competitors') }}

),

final as (

    select
        accounts.account_key,
        accounts.platform,
        accounts.account_id,
        accounts.username,
        accounts.account_name,
        accounts.is_own,
        not accounts.is_own as is_competitor,
        not accounts.is_own and coalesce(tracked_competitors.is_tracked, false) as is_tracked_competitor,
        case when not accounts.is_own then tracked_competitors.competitor_name end as competitor_name,
        case when not accounts.is_own then tracked_competitors.added_on end as tracked_since,
        case when not accounts.is_own then tracked_competitors.reason end as tracking_reason,
        accounts.latest_followers,
        accounts.first_snapshot_date,
        accounts.latest_snapshot_date,
        accounts.source,
    from accounts
    left join tracked_competitors
        on tracked_competitors.platform = accounts.platform
        and lower(ltrim(trim(tracked_competitors.username), '@')) = accounts.username

)

select * from final
