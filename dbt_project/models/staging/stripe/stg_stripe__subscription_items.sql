{#- Items of each subscription in its current state: the plan and any add-on.
    An item created after the subscription started is a cross-sell (METRICS X6). -#}
{%- set zero_decimal = "('bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf')" -%}
{%- set three_decimal = "('bhd', 'jod', 'kwd', 'omr', 'tnd')" -%}
with

snapshots as (
    {{ latest_raw_records(source('stripe', 'subscriptions')) }}
),

events as (
    {{ latest_raw_records(source('stripe', 'events')) }}
),

latest as (
    {{ stripe_latest_subscription_versions('snapshots', 'events') }}
),

items as (
    select
        {{ json_text('subscription', '$.id') }} as subscription_id,
        {{ json_text('subscription', '$.customer') }} as customer_id,
        {{ utc_from_epoch(json_text('subscription', '$.created')) }} as subscription_created_at_utc,
        unnest(json_extract(subscription, '$.items.data[*]')) as item,
        batch_id,
        extracted_at,
    from latest
),

renamed as (
    select
        {{ json_text('item', '$.id') }} as subscription_item_id,
        subscription_id,
        customer_id,
        {{ json_text('item', '$.price.id') }} as price_id,
        {{ json_text('item', '$.price.product') }} as product_id,
        {{ json_text('item', '$.price.lookup_key') }} as price_lookup_key,
        {{ json_text('item', '$.price.nickname') }} as price_nickname,
        lower({{ json_text('item', '$.price.currency') }}) as currency_lower,
        cast({{ json_text('item', '$.price.unit_amount') }} as bigint) as unit_amount_minor,
        cast({{ json_text('item', '$.quantity') }} as bigint) as quantity,
        {{ json_text('item', '$.price.recurring.interval') }} as billing_interval,
        cast({{ json_text('item', '$.price.recurring.interval_count') }} as bigint) as billing_interval_count,
        {{ utc_from_epoch(json_text('item', '$.created')) }} as created_at_utc,
        {{ utc_from_epoch(json_text('item', '$.current_period_start')) }} as current_period_start_utc,
        {{ utc_from_epoch(json_text('item', '$.current_period_end')) }} as current_period_end_utc,
        subscription_created_at_utc,
        batch_id,
        extracted_at,
    from items
),

final as (
    select
        subscription_item_id,
        subscription_id,
        customer_id,
        price_id,
        product_id,
        price_lookup_key,
        price_nickname,
        cast(
            unit_amount_minor / case
                when currency_lower in {{ zero_decimal }} then 1
                when currency_lower in {{ three_decimal }} then 1000
                else 100
            end as decimal(18, 2)
        ) as unit_amount,
        upper(currency_lower) as currency,
        quantity,
        billing_interval,
        billing_interval_count,
        created_at_utc > subscription_created_at_utc + interval 1 minute as is_add_on,
        created_at_utc,
        {{ to_local('created_at_utc') }} as created_at_local,
        current_period_start_utc,
        {{ to_local('current_period_start_utc') }} as current_period_start_local,
        current_period_end_utc,
        {{ to_local('current_period_end_utc') }} as current_period_end_local,
        batch_id,
        extracted_at,
    from renamed
)

select * from final
