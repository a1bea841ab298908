{#- C3: the sentiment mix (S2) of mentions of each tracked competitor, per platform x
    account x local day, with the brand's own mentions beside them as the benchmark
    (account_kind = own). Mentions written by the brand or by the account itself are not
    in int_messages. -#}
with

mentions as (

    select * from {{ ref('fct_messages') }}
    where message_kind in ('mention', 'competitor_mention')

),

account_days as (

    select
        created_date as activity_date,
        platform,
        about_account_id as account_id,
        arg_max(about_account_username, created_at_utc) as account_username,
        about_account_kind as account_kind,
        count(*) as mentions,
        count(*) filter (where sentiment_label is not null) as scored_mentions,
        count(*) filter (where sentiment_label = 'positive') as positive_mentions,
        count(*) filter (where sentiment_label = 'neutral') as neutral_mentions,
        count(*) filter (where sentiment_label = 'negative') as negative_mentions,
    from mentions
    group by activity_date, platform, about_account_id, about_account_kind

),

final as (

    select
        *,
        {{ safe_ratio('positive_mentions - negative_mentions', 'scored_mentions') }} as net_sentiment,
        {{ safe_ratio('positive_mentions - negative_mentions', 'positive_mentions + negative_mentions') }} as net_sentiment_polar,
    from account_days

)

select * from final
