{#- Tweets mentioning the brand, with the author's username from the same
    responses' includes.users (mention_authors) for identity matching. -#}
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
        batch_id,
        extracted_at,
    from source

),

final as (

    select
        renamed.tweet_id,
        renamed.author_id,
        lower(json_extract_string(authors.record, '$.username')) as author_username,
        renamed.* exclude (tweet_id, author_id),
    from renamed
    left join authors on authors.record_key = renamed.author_id

)

select * from final
