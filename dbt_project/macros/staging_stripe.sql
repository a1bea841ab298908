{#- Helpers for the Stripe models. -#}

{#- The current version of each subscription object, from the listed snapshots and the
    objects carried by customer.subscription.* events (both already reduced to their
    latest raw record): `stripe_latest_subscription_versions('snapshots', 'events')`.
    Batches share one sequence, so the version from the latest batch is the latest
    knowledge; inside an events batch the newest event wins (it carries the state after
    the last change).  Returns subscription (the object as JSON), state_source ('list'
    or 'event'), event_created, batch_id, extracted_at. -#}
{% macro stripe_latest_subscription_versions(snapshots, events) -%}
    select *
    from (
        select
            record as subscription,
            'list' as state_source,
            cast(null as bigint) as event_created,
            batch_id,
            extracted_at,
        from {{ snapshots }}
        union all
        select
            json_extract(record, '$.data.object') as subscription,
            'event' as state_source,
            cast({{ json_text('record', '$.created') }} as bigint) as event_created,
            batch_id,
            extracted_at,
        from {{ events }}
        where {{ json_text('record', '$.data.object.object') }} = 'subscription'
    ) as versions
    qualify row_number() over (
        partition by {{ json_text('subscription', '$.id') }}
        order by batch_id desc, event_created desc nulls first
    ) = 1
{%- endmacro %}

{#- A Stripe amount in the currency's minor unit as DECIMAL major units: most
    currencies have two decimals, these have none or three (Stripe's list of
    zero- and three-decimal currencies). -#}
{% macro stripe_major_units(amount_minor, currency_lower) -%}
    cast(
        {{ amount_minor }} / case
            when {{ currency_lower }} in ('bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx',
                'vnd', 'vuv', 'xaf', 'xof', 'xpf') then 1
            when {{ currency_lower }} in ('bhd', 'jod', 'kwd', 'omr', 'tnd') then 1000
            else 100
        end as decimal(18, 2)
    )
{%- endmacro %}
