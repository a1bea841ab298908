{#- Tweets mentioning a tracked competitor (C3, C4). -#}
with

source as (

    {{ latest_raw_records(source('x', 'competitor_mentions')) }}

),

renamed as (

    select
        {{ x_tweet_columns('record') }},
        json_extract_string(context, '$.competitor_user_id') as mentioned_user_id,
        batch_id,
        extracted_at,
    from source

),

final as (

    select
        tweet_id,
        mentioned_user_id,
        * exclude (tweet_id, mentioned_user_id),
    from renamed

)

select * from final
