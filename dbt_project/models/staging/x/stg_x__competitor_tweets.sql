with

source as (

    {{ latest_raw_records(source('x', 'competitor_tweets')) }}

),

final as (

    select
        {{ x_tweet_columns('record') }},
        batch_id,
        extracted_at,
    from source

)

select * from final
