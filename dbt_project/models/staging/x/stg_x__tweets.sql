{#- The brand's timeline: its posts and its replies (is_reply; referenced_tweet_id is the
    mention answered, for response time R1-R4). -#}
with

source as (

    {{ latest_raw_records(source('x', 'tweets')) }}

),

final as (

    select
        {{ x_tweet_columns('record') }},
        batch_id,
        extracted_at,
    from source

)

select * from final
