{#- Tweets the brand's own timelines point at (includes.tweets of the referenced_tweets.id
    expansion): above all the customers' tweets its replies answer, which reach the
    warehouse even when they were addressed to an own account whose mentions are not
    read, or fell out of the 800-mention window. -#}
with

source as (

    {{ latest_raw_records(source('x', 'replied_tweets')) }}

),

renamed as (

    select
        {{ x_tweet_columns('record') }},
        json_extract_string(context, '$.user_id') as timeline_user_id,
        batch_id,
        extracted_at,
    from source

),

final as (

    select
        tweet_id,
        timeline_user_id,
        * exclude (tweet_id, timeline_user_id),
    from renamed

)

select * from final
