{#- Customers from customer exports, the newest imported version of each. Handles are
    kept as written; the *_normalized columns are the forms identity matching joins on. -#}
with

source as (

    {{ latest_raw_records(source('files', 'customers')) }}

),

renamed as (

    select
        {{ files_text('customer_id') }} as customer_id,
        {{ files_text('email') }} as email,
        {{ files_text('full_name') }} as full_name,
        {{ files_text('phone') }} as phone,
        {{ files_text('country_code') }} as country_code,
        {{ files_text('x_handle') }} as x_handle,
        {{ files_text('instagram_handle') }} as instagram_handle,
        {{ files_utc('created_at') }} as created_at_utc,
        {{ files_origin() }},
        batch_id,
        extracted_at,
    from source

),

final as (

    select
        customer_id,
        email,
        {{ normalize_email('email') }} as email_normalized,
        full_name,
        phone,
        country_code,
        x_handle,
        {{ normalize_handle('x_handle') }} as x_handle_normalized,
        instagram_handle,
        {{ normalize_handle('instagram_handle') }} as instagram_handle_normalized,
        created_at_utc,
        {{ to_local('created_at_utc') }} as created_at_local,
        source_file,
        source_line,
        batch_id,
        extracted_at,
    from renamed

)

select * from final
