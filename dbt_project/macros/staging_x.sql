{#- Columns shared by the X API v2 models. -#}

{#- The typed columns of a tweet object, in the order every tweet model shows them:
    `x_tweet_columns('record')`.  is_reply: the tweet answers another tweet
    (referenced_tweet_id is the tweet answered). -#}
{% macro x_tweet_columns(record) -%}
    {{ json_text(record, '$.id') }} as tweet_id,
        {{ json_text(record, '$.author_id') }} as author_id,
        {{ json_text(record, '$.text') }} as tweet_text,
        {{ json_text(record, '$.lang') }} as language,
        {{ json_text(record, '$.conversation_id') }} as conversation_id,
        {{ json_text(record, '$.in_reply_to_user_id') }} as in_reply_to_user_id,
        {{ json_text(record, '$.referenced_tweets[0].type') }} as referenced_tweet_type,
        {{ json_text(record, '$.referenced_tweets[0].id') }} as referenced_tweet_id,
        coalesce({{ json_text(record, '$.referenced_tweets[0].type') }} = 'replied_to', false) as is_reply,
        {{ utc_from_iso(json_text(record, '$.created_at')) }} as created_at_utc,
        {{ to_local(utc_from_iso(json_text(record, '$.created_at'))) }} as created_at_local,
        cast({{ json_text(record, '$.public_metrics.like_count') }} as bigint) as like_count,
        cast({{ json_text(record, '$.public_metrics.reply_count') }} as bigint) as reply_count,
        cast({{ json_text(record, '$.public_metrics.retweet_count') }} as bigint) as retweet_count,
        cast({{ json_text(record, '$.public_metrics.quote_count') }} as bigint) as quote_count,
        cast({{ json_text(record, '$.public_metrics.bookmark_count') }} as bigint) as bookmark_count,
        cast({{ json_text(record, '$.public_metrics.impression_count') }} as bigint) as impression_count
{%- endmacro %}

{#- The typed columns of a user object with its public metrics (the brand's and
    competitors' daily snapshots): `x_user_columns('record')`. -#}
{% macro x_user_columns(record) -%}
    {{ json_text(record, '$.id') }} as user_id,
        lower({{ json_text(record, '$.username') }}) as username,
        {{ json_text(record, '$.name') }} as display_name,
        cast({{ json_text(record, '$.public_metrics.followers_count') }} as bigint) as followers_count,
        cast({{ json_text(record, '$.public_metrics.following_count') }} as bigint) as following_count,
        cast({{ json_text(record, '$.public_metrics.tweet_count') }} as bigint) as tweet_count,
        cast({{ json_text(record, '$.public_metrics.listed_count') }} as bigint) as listed_count,
        {{ utc_from_iso(json_text(record, '$.created_at')) }} as account_created_at_utc
{%- endmacro %}
