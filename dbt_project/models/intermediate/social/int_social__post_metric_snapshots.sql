{{ config(materialized='view') }}
{#- Post x snapshot date: what each post's counters showed at the latest fetch of each
    local day (reporting time zone), for every post in int_social__posts. Staging keeps
    only each post's latest counts, so this reads the append-only raw streams, where
    every nightly re-fetch within the extractors' lookback window is one row: the
    history E11 (like growth between daily snapshots) needs. A post has a row only on
    days it was fetched. A post only exports have (int_social__posts source 'export')
    has a snapshot per imported version (raw files__posts) on the local day of its
    counted_at (else of its import), the latest per day; a post the API has keeps the
    API's snapshots only, so one post's history never mixes two sources. A view, so the incremental fct_social_post_daily_metrics'
    date filter reaches the raw scans instead of re-reading all history. -#}
with

posts as (

    select * from {{ ref('int_social__posts') }}

),

instagram_media as (

    {{ latest_daily_snapshots(source('instagram', 'media')) }}

),

instagram_insights as (

    {{ latest_daily_snapshots(source('instagram', 'media_insights')) }}

),

instagram_competitor_accounts as (

    select
        record,
        batch_id,
        page_number,
        record_index,
        extracted_at,
        cast({{ to_local("timezone('UTC', extracted_at)") }} as date) as snapshot_date,
    from {{ source('instagram', 'competitor_accounts') }}

),

facebook_posts as (

    {{ latest_daily_snapshots(source('facebook', 'posts')) }}

),

facebook_competitor_posts as (

    {{ latest_daily_snapshots(source('facebook', 'competitor_posts')) }}

),

x_tweets as (

    {{ latest_daily_snapshots(source('x', 'tweets')) }}

),

x_competitor_tweets as (

    {{ latest_daily_snapshots(source('x', 'competitor_tweets')) }}

),

instagram_insight_values as (

    select
        coalesce(json_extract_string(context, '$.media_id'), split_part({{ json_text('record', '$.id') }}, '/', 1))
            as post_id,
        snapshot_date,
        max(case when {{ json_text('record', '$.name') }} = 'reach'
            then cast(json_extract_string(record, '$.values[0].value') as bigint) end) as reach,
        max(case when {{ json_text('record', '$.name') }} = 'views'
            then cast(json_extract_string(record, '$.values[0].value') as bigint) end) as views,
        max(case when {{ json_text('record', '$.name') }} = 'saved'
            then cast(json_extract_string(record, '$.values[0].value') as bigint) end) as saves,
        max(case when {{ json_text('record', '$.name') }} = 'shares'
            then cast(json_extract_string(record, '$.values[0].value') as bigint) end) as shares,
        max(extracted_at) as extracted_at,
    from instagram_insights
    group by all

),

instagram_media_values as (

    select
        {{ json_text('record', '$.id') }} as post_id,
        snapshot_date,
        cast({{ json_text('record', '$.like_count') }} as bigint) as likes,
        cast({{ json_text('record', '$.comments_count') }} as bigint) as comments,
        extracted_at,
    from instagram_media

),

-- Media and their insights are fetched by different requests: a day has a snapshot
-- when either was fetched; a counter not fetched that day is NULL.
instagram_own as (

    select
        'instagram' as platform,
        coalesce(media.post_id, insights.post_id) as post_id,
        coalesce(media.snapshot_date, insights.snapshot_date) as snapshot_date,
        greatest(media.extracted_at, insights.extracted_at) as extracted_at,
        media.likes,
        media.comments,
        insights.shares,
        insights.saves,
        cast(null as bigint) as reactions,
        cast(null as bigint) as replies,
        cast(null as bigint) as reposts,
        cast(null as bigint) as quotes,
        cast(null as bigint) as bookmarks,
        insights.reach,
        cast(null as bigint) as impressions,
        insights.views,
    from instagram_media_values as media
    full outer join instagram_insight_values as insights
        on insights.post_id = media.post_id
        and insights.snapshot_date = media.snapshot_date

),

instagram_competitor as (

    select
        'instagram' as platform,
        json_extract_string(item.value, '$.id') as post_id,
        accounts.snapshot_date,
        accounts.extracted_at,
        cast(json_extract_string(item.value, '$.like_count') as bigint) as likes,
        cast(json_extract_string(item.value, '$.comments_count') as bigint) as comments,
        cast(null as bigint) as shares,
        cast(null as bigint) as saves,
        cast(null as bigint) as reactions,
        cast(null as bigint) as replies,
        cast(null as bigint) as reposts,
        cast(null as bigint) as quotes,
        cast(null as bigint) as bookmarks,
        cast(null as bigint) as reach,
        cast(null as bigint) as impressions,
        cast(null as bigint) as views,
    from instagram_competitor_accounts as accounts
    cross join unnest(cast(coalesce(json_extract(accounts.record, '$.media.data'), '[]') as json[])) as item(value)
    qualify row_number() over (
        partition by json_extract_string(item.value, '$.id'), accounts.snapshot_date
        order by accounts.batch_id desc, accounts.page_number desc, accounts.record_index desc
    ) = 1

),

facebook_all as (

    select record, snapshot_date, extracted_at from facebook_posts
    union all
    select record, snapshot_date, extracted_at from facebook_competitor_posts

),

facebook as (

    select
        'facebook' as platform,
        {{ json_text('record', '$.id') }} as post_id,
        snapshot_date,
        extracted_at,
        cast({{ json_text('record', '$.reactions.summary.total_count') }} as bigint) as likes,
        cast({{ json_text('record', '$.comments.summary.total_count') }} as bigint) as comments,
        -- Graph omits "shares" when nobody shared the post.
        coalesce(cast({{ json_text('record', '$.shares.count') }} as bigint), 0) as shares,
        cast(null as bigint) as saves,
        cast({{ json_text('record', '$.reactions.summary.total_count') }} as bigint) as reactions,
        cast(null as bigint) as replies,
        cast(null as bigint) as reposts,
        cast(null as bigint) as quotes,
        cast(null as bigint) as bookmarks,
        cast(null as bigint) as reach,
        cast(null as bigint) as impressions,
        cast(null as bigint) as views,
    from facebook_all

),

exported_posts as (

    select
        {{ files_text('platform') }} as platform,
        {{ files_text('post_id') }} as post_id,
        coalesce({{ files_utc('counted_at') }}, timezone('UTC', extracted_at)) as counted_at_utc,
        {%- for count in ['likes', 'comments', 'shares', 'saves', 'reach', 'impressions', 'views', 'link_clicks'] %}
        cast({{ files_text(count) }} as bigint) as {{ count }},
        {%- endfor %}
        batch_id,
        extracted_at,
    from {{ source('files', 'posts') }}

),

exported as (

    select
        platform,
        post_id,
        cast({{ to_local('counted_at_utc') }} as date) as snapshot_date,
        counted_at_utc,
        timezone('UTC', extracted_at) as imported_at_utc,
        likes,
        comments,
        shares,
        saves,
        case when platform = 'facebook' then likes end as reactions,
        case when platform = 'x' then comments end as replies,
        case when platform = 'x' then shares end as reposts,
        cast(null as bigint) as quotes,
        case when platform = 'x' then saves end as bookmarks,
        reach,
        impressions,
        views,
        link_clicks,
    from exported_posts
    qualify row_number() over (
        partition by platform, post_id, snapshot_date
        order by counted_at_utc desc, batch_id desc
    ) = 1

),

x_all as (

    select record, snapshot_date, extracted_at from x_tweets
    union all
    select record, snapshot_date, extracted_at from x_competitor_tweets

),

x as (

    select
        'x' as platform,
        {{ json_text('record', '$.id') }} as post_id,
        snapshot_date,
        extracted_at,
        cast({{ json_text('record', '$.public_metrics.like_count') }} as bigint) as likes,
        cast({{ json_text('record', '$.public_metrics.reply_count') }} as bigint) as comments,
        cast({{ json_text('record', '$.public_metrics.retweet_count') }} as bigint) as shares,
        cast({{ json_text('record', '$.public_metrics.bookmark_count') }} as bigint) as saves,
        cast(null as bigint) as reactions,
        cast({{ json_text('record', '$.public_metrics.reply_count') }} as bigint) as replies,
        cast({{ json_text('record', '$.public_metrics.retweet_count') }} as bigint) as reposts,
        cast({{ json_text('record', '$.public_metrics.quote_count') }} as bigint) as quotes,
        cast({{ json_text('record', '$.public_metrics.bookmark_count') }} as bigint) as bookmarks,
        cast(null as bigint) as reach,
        cast({{ json_text('record', '$.public_metrics.impression_count') }} as bigint) as impressions,
        cast(null as bigint) as views,
    from x_all

),

snapshots as (

    select *, {{ social_interactions('instagram') }} as interactions,
        {{ social_public_interactions('instagram') }} as public_interactions,
    from (select * from instagram_own union all select * from instagram_competitor)

    union all

    select *, {{ social_interactions('facebook') }}, {{ social_public_interactions('facebook') }},
    from facebook

    union all

    select *, {{ social_interactions('x') }}, {{ social_public_interactions('x') }},
    from x

),

api_snapshots as (

    select
        *,
        timezone('UTC', extracted_at) as snapshot_at_utc,
        cast(null as bigint) as link_clicks,
        cast(null as timestamp) as imported_at_utc,
        'api' as source,
    from snapshots

),

exported_conformed as (

    select
        * exclude (counted_at_utc),
        counted_at_utc as snapshot_at_utc,
        {{ social_interaction_columns() }},
        'export' as source,
    from exported

),

all_snapshots as (

    select * exclude (extracted_at) from api_snapshots
    union all by name
    select * from exported_conformed

),

final as (

    select
        posts.post_key || '|' || cast(snapshots.snapshot_date as varchar) as post_snapshot_id,
        posts.post_key,
        posts.platform,
        posts.post_id,
        posts.account_key,
        posts.account_id,
        posts.is_own,
        posts.published_date,
        snapshots.snapshot_date,
        snapshots.snapshot_at_utc,
        snapshots.likes,
        snapshots.comments,
        snapshots.shares,
        snapshots.saves,
        snapshots.reactions,
        snapshots.replies,
        snapshots.reposts,
        snapshots.quotes,
        snapshots.bookmarks,
        snapshots.reach,
        snapshots.impressions,
        snapshots.views,
        snapshots.link_clicks,
        snapshots.interactions,
        snapshots.public_interactions,
        -- api, or export (a snapshot of a post only exports have).
        snapshots.source,
        -- When an exported snapshot was imported (NULL for the API's).
        snapshots.imported_at_utc,
    from all_snapshots as snapshots
    -- Only posts of the contract: X replies and reposts are not posts.
    inner join posts
        on posts.platform = snapshots.platform
        and posts.post_id = snapshots.post_id
        and posts.source = snapshots.source

)

select * from final
