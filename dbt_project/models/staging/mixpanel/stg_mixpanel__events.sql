{#- Incremental: the largest stream (every web and app event), so a night reads only
    the batches it loaded instead of re-parsing all history. -#}
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='insert_id') }}

with

source as (

    {{ latest_raw_records(source('mixpanel', 'events'), since_batch_of=this) }}

),

renamed as (

    select
        -- ids
        record_key as insert_id,
        {{ json_text('record', '/properties/distinct_id') }} as distinct_id,
        {{ json_text('record', '/properties/$user_id') }} as user_id,
        {{ json_text('record', '/properties/$device_id') }} as device_id,

        -- event
        {{ json_text('record', '/event') }} as event_name,
        cast({{ json_text('record', '/properties/time') }} as bigint) as event_epoch,
        cast({{ json_text('record', '/properties/mp_processing_time_ms') }} as bigint) as processed_epoch_ms,

        -- page and entry
        {{ json_text('record', '/properties/$current_url') }} as current_url,
        {{ json_text('record', '/properties/current_page_title') }} as page_title,
        {{ json_text('record', '/properties/$referrer') }} as referrer,
        {{ json_text('record', '/properties/$referring_domain') }} as referring_domain,
        lower({{ json_text('record', '/properties/utm_source') }}) as utm_source,
        lower({{ json_text('record', '/properties/utm_medium') }}) as utm_medium,
        {{ json_text('record', '/properties/utm_campaign') }} as utm_campaign,
        cast({{ json_text('record', '/properties/time_on_page') }} as bigint) as time_on_page_seconds,

        -- purchase
        cast({{ json_text('record', '/properties/amount') }} as decimal(18, 2)) as amount,
        upper({{ json_text('record', '/properties/currency') }}) as currency,
        {{ json_text('record', '/properties/product') }} as product,
        {{ json_text('record', '/properties/purchase_type') }} as purchase_type,
        {{ json_text('record', '/properties/plan') }} as plan,

        -- help center and app
        cast({{ json_text('record', '/properties/article_id') }} as bigint) as help_article_id,
        {{ json_text('record', '/properties/article_title') }} as help_article_title,
        {{ json_text('record', '/properties/feature') }} as app_feature,

        -- client
        {{ json_text('record', '/properties/mp_lib') }} as sdk_library,
        {{ json_text('record', '/properties/$os') }} as operating_system,
        {{ json_text('record', '/properties/$browser') }} as browser,
        {{ json_text('record', '/properties/$app_version_string') }} as app_version,
        {{ json_text('record', '/properties/mp_country_code') }} as country_code,

        -- load metadata
        batch_id,
        extracted_at

    from source

),

final as (

    select
        insert_id,
        event_name,
        {{ utc_from_epoch('event_epoch') }} as occurred_at_utc,
        {{ to_local(utc_from_epoch('event_epoch')) }} as occurred_at_local,
        timezone('UTC', make_timestamptz(processed_epoch_ms * 1000)) as processed_at_utc,
        distinct_id,
        user_id,
        device_id,
        user_id is not null as is_identified,
        current_url,
        regexp_extract(current_url, '^https?://[^/]+(/[^?#]*)', 1) as page_path,
        page_title,
        referrer,
        referring_domain,
        utm_source,
        utm_medium,
        utm_campaign,
        time_on_page_seconds,
        amount,
        case when amount is not null then coalesce(currency, 'IDR') end as currency,
        product,
        purchase_type,
        plan,
        help_article_id,
        help_article_title,
        app_feature,
        sdk_library,
        sdk_library in ('android', 'swift', 'iphone') as is_app_event,
        operating_system,
        browser,
        app_version,
        country_code,
        batch_id,
        extracted_at,
    from renamed

)

select * from final
