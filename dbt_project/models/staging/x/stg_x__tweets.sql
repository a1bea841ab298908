{#- The brand's timeline: its posts and its replies (is_reply; referenced_tweet_id is the
    mention answered, for response time R1-R4). -#}
with

source as (

    {{ latest_raw_records(source('x', 'tweets')) }}

),

renamed as (

    select
        {{ json_text('record', '$.id') }} as tweet_id,
        {{ json_text('record', '$.author_id') }} as author_id,
        {{ json_text('record', '$.text') }} as tweet_text,
        {{ json_text('record', '$.lang') }} as language,
        {{ json_text('record', '$.conversation_id') }} as conversation_id,
        {{ json_text('record', '$.in_reply_to_user_id') }} as in_reply_to_user_id,
        json_extract_string(record, '$.referenced_tweets[0].type') as referenced_tweet_type,
        json_extract_string(record, '$.referenced_tweets[0].id') as referenced_tweet_id,
        {{ utc_from_iso(json_text('record', '$.created_at')) }} as created_at_utc,
        cast({{ json_text('record', '$.public_metrics.like_count') }} as bigint) as like_count,
        cast({{ json_text('record', '$.public_metrics.reply_count') }} as bigint) as reply_count,
        cast({{ json_text('record', '$.public_metrics.retweet_count') }} as bigint) as retweet_count,
        cast({{ json_text('record', '$.public_metrics.quote_count') }} as bigint) as quote_count,
        cast({{ json_text('record', '$.public_metrics.bookmark_count') }} as bigint) as bookmark_count,
        cast({{ json_text('record', '$.public_metrics.impression_count') }} as bigint) as impression_count,
        batch_id,
        extracted_at
    from source

),

final as (

    select
        renamed.tweet_id,
        renamed.author_id,
        renamed.tweet_text,
        renamed.language,
        renamed.conversation_id,
        renamed.in_reply_to_user_id,
        renamed.referenced_tweet_type,
        renamed.referenced_tweet_id,
        coalesce(renamed.referenced_tweet_type = 'replied_to', false) as is_reply,
        renamed.created_at_utc,
        {{ to_local('renamed.created_at_utc') }} as created_at_local,
        renamed.like_count,
        renamed.reply_count,
        renamed.retweet_count,
        renamed.quote_count,
        renamed.bookmark_count,
        renamed.impression_count,
        renamed.batch_id,
        renamed.extracted_at,
    from renamed

)

select * from final
