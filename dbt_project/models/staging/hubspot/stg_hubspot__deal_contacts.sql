{#- One row per deal and associated contact (v4 association batch read results). -#}
with

source as (
    {{ latest_raw_records(source('hubspot', 'deal_contacts')) }}
),

associations as (
    select
        {{ json_text('record', '$.from.id') }} as deal_id,
        unnest(json_extract(record, '$.to[*]')) as association,
        batch_id,
        extracted_at,
    from source
),

renamed as (
    select
        deal_id,
        {{ json_text('association', '$.toObjectId') }} as contact_id,
        cast({{ json_text('association', '$.associationTypes[0].typeId') }} as bigint) as association_type_id,
        {{ json_text('association', '$.associationTypes[0].category') }} as association_category,
        {{ json_text('association', '$.associationTypes[0].label') }} as association_label,
        batch_id,
        extracted_at,
    from associations
),

final as (
    select
        deal_id || '-' || contact_id as deal_contact_id,
        deal_id,
        contact_id,
        association_type_id,
        association_category,
        association_label,
        batch_id,
        extracted_at,
    from renamed
)

select * from final
