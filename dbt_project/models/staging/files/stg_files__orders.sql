{#- Orders from order exports, the newest imported version of each order. -#}
with

source as (

    {{ latest_raw_records(source('files', 'orders')) }}

),

renamed as (

    select
        {{ files_text('order_id') }} as order_id,
        {{ files_text('customer_id') }} as customer_id,
        {{ files_text('customer_email') }} as customer_email,
        {{ files_text('status') }} as status,
        {{ files_text('currency') }} as currency,
        cast({{ files_text('total_amount') }} as decimal(18, 2)) as total_amount,
        cast({{ files_text('item_count') }} as bigint) as item_count,
        {{ files_text('sales_channel') }} as sales_channel,
        {{ files_utc('ordered_at') }} as ordered_at_utc,
        {{ files_utc('paid_at') }} as paid_at_utc,
        {{ files_origin() }},
        batch_id,
        extracted_at,
    from source

),

final as (

    select
        order_id,
        customer_id,
        customer_email,
        {{ normalize_email('customer_email') }} as email_normalized,
        status,
        status = 'paid' as is_paid,
        currency,
        total_amount,
        item_count,
        sales_channel,
        ordered_at_utc,
        {{ to_local('ordered_at_utc') }} as ordered_at_local,
        paid_at_utc,
        {{ to_local('paid_at_utc') }} as paid_at_local,
        source_file,
        source_line,
        batch_id,
        extracted_at,
    from renamed

)

select * from final
