{#- Tweets mentioning the brand, with the author's username from the same
    responses' includes.users (mention_authors) for identity matching, and the own account
    whose mention timeline listed it (the brand may own several X accounts). -#}
with

source as (

    {{ latest_raw_records(source('x', 'mentions')) }}

),

authors as (

    {{ latest_raw_records(source('x', 'mention_authors')) }}

),

renamed as (

    select
        {{ x_tweet_columns('record') }},
        json_extract_string(context, '$.user_id') as mentioned_user_id,
        batch_id,
        extracted_at,
    from source

),

final as (

    select
        renamed.tweet_id,
        renamed.author_id,
        lower(json_extract_string(authors.record, '$.username')) as author_username,
        renamed.mentioned_user_id,
        renamed.* exclude (tweet_id, author_id, mentioned_user_id),
    from renamed
    left join authors on authors.record_key = renamed.author_id

)

select * from final
