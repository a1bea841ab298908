{#- Columns shared by the brand's and competitors' Facebook models. -#}

{#- The typed columns of a Page object: `facebook_page_columns('record')`. -#}
{% macro facebook_page_columns(record) -%}
    {{ json_text(record, '$.id') }} as page_id,
        {{ json_text(record, '$.name') }} as page_name,
        lower({{ json_text(record, '$.username') }}) as username,
        cast({{ json_text(record, '$.followers_count') }} as bigint) as followers_count,
        cast({{ json_text(record, '$.fan_count') }} as bigint) as fan_count
{%- endmacro %}

{#- The typed columns of a Page post: `facebook_post_columns('record')`. -#}
{% macro facebook_post_columns(record) -%}
    {{ json_text(record, '$.id') }} as post_id,
        coalesce({{ json_text(record, '$.from.id') }}, split_part({{ json_text(record, '$.id') }}, '_', 1)) as page_id,
        {{ json_text(record, '$.message') }} as message,
        {{ json_text(record, '$.permalink_url') }} as permalink_url,
        {{ utc_from_iso(json_text(record, '$.created_time')) }} as created_at_utc,
        {{ to_local(utc_from_iso(json_text(record, '$.created_time'))) }} as created_at_local,
        cast({{ json_text(record, '$.reactions.summary.total_count') }} as bigint) as reaction_count,
        cast({{ json_text(record, '$.comments.summary.total_count') }} as bigint) as comment_count,
        -- Graph omits "shares" when nobody shared the post.
        coalesce(cast({{ json_text(record, '$.shares.count') }} as bigint), 0) as share_count
{%- endmacro %}
