with

source as (

    {{ latest_raw_records(source('facebook', 'competitor_posts')) }}

),

final as (

    select
        {{ facebook_post_columns('record') }},
        batch_id,
        extracted_at,
    from source

)

select * from final
