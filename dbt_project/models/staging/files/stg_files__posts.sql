{#- Posts with their counts from exports, the newest imported version of each, in the
    column names of the social post contract (int_social__posts). A count the export
    does not have is NULL (not reported), never 0. -#}
with

source as (

    {{ latest_raw_records(source('files', 'posts')) }}

),

renamed as (

    select
        {{ files_text('platform') }} as platform,
        {{ files_text('post_id') }} as post_id,
        {{ files_text('account_id') }} as account_id,
        {{ files_boolean('is_own', 'true') }} as is_own,
        {{ files_text('post_type') }} as post_type,
        {{ files_text('text') }} as post_text,
        {{ files_text('permalink') }} as permalink,
        {{ files_utc('published_at') }} as published_at_utc,
        {%- for count in ['likes', 'comments', 'shares', 'saves', 'reach', 'impressions', 'views', 'link_clicks'] %}
        cast({{ files_text(count) }} as bigint) as {{ count }},
        {%- endfor %}
        {{ files_utc('counted_at') }} as counted_at_utc,
        {{ files_origin() }},
        batch_id,
        extracted_at,
    from source

),

final as (

    select
        platform || ':' || post_id as post_key,
        platform,
        post_id,
        account_id,
        is_own,
        lower(post_type) as post_type,
        post_text,
        permalink,
        published_at_utc,
        {{ to_local('published_at_utc') }} as published_at_local,
        likes,
        comments,
        shares,
        saves,
        reach,
        impressions,
        views,
        link_clicks,
        -- When the counts were read: the export's own time, else the import's.
        coalesce(counted_at_utc, timezone('UTC', extracted_at)) as metrics_counted_at_utc,
        source_file,
        source_line,
        batch_id,
        extracted_at,
    from renamed

)

select * from final
