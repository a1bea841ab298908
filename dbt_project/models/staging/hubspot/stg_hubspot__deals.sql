with

source as (
    {{ latest_raw_records(source('hubspot', 'deals')) }}
),

renamed as (
    select
        {{ json_text('record', '$.id') }} as deal_id,
        {{ json_text('record', '$.properties.dealname') }} as deal_name,
        cast({{ json_text('record', '$.properties.amount') }} as decimal(18, 2)) as amount,
        upper({{ json_text('record', '$.properties.deal_currency_code') }}) as currency,
        {{ json_text('record', '$.properties.dealstage') }} as deal_stage,
        {{ json_text('record', '$.properties.pipeline') }} as pipeline,
        {{ json_text('record', '$.properties.dealtype') }} as deal_type,
        {{ utc_from_iso(json_text('record', '$.properties.closedate')) }} as close_at_utc,
        {{ utc_from_iso(json_text('record', '$.properties.createdate')) }} as created_at_utc,
        {{ utc_from_iso(json_text('record', '$.properties.hs_lastmodifieddate')) }} as last_modified_at_utc,
        batch_id,
        extracted_at,
    from source
),

final as (
    select
        deal_id,
        deal_name,
        amount,
        currency,
        deal_stage,
        pipeline,
        deal_type,
        deal_stage = 'closedwon' as is_closed_won,
        deal_stage in ('closedwon', 'closedlost') as is_closed,
        close_at_utc,
        {{ to_local('close_at_utc') }} as close_at_local,
        created_at_utc,
        {{ to_local('created_at_utc') }} as created_at_local,
        last_modified_at_utc,
        {{ to_local('last_modified_at_utc') }} as last_modified_at_local,
        batch_id,
        extracted_at,
    from renamed
)

select * from final
