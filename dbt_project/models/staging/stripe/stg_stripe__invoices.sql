{%- set zero_decimal = "('bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf')" -%}
{%- set three_decimal = "('bhd', 'jod', 'kwd', 'omr', 'tnd')" -%}
with

source as (
    {{ latest_raw_records(source('stripe', 'invoices')) }}
),

renamed as (
    select
        {{ json_text('record', '$.id') }} as invoice_id,
        {{ json_text('record', '$.customer') }} as customer_id,
        {{ json_text('record', '$.parent.subscription_details.subscription') }} as subscription_id,
        {{ json_text('record', '$.number') }} as invoice_number,
        {{ json_text('record', '$.status') }} as status,
        {{ json_text('record', '$.billing_reason') }} as billing_reason,
        lower({{ json_text('record', '$.currency') }}) as currency_lower,
        cast({{ json_text('record', '$.amount_due') }} as bigint) as amount_due_minor,
        cast({{ json_text('record', '$.amount_paid') }} as bigint) as amount_paid_minor,
        cast({{ json_text('record', '$.amount_remaining') }} as bigint) as amount_remaining_minor,
        cast({{ json_text('record', '$.total') }} as bigint) as total_minor,
        cast(json_extract(record, '$.lines.total_count') as bigint) as line_count,
        {{ utc_from_epoch(json_text('record', '$.created')) }} as created_at_utc,
        {{ utc_from_epoch(json_text('record', '$.status_transitions.finalized_at')) }} as finalized_at_utc,
        {{ utc_from_epoch(json_text('record', '$.status_transitions.paid_at')) }} as paid_at_utc,
        batch_id,
        extracted_at,
    from source
),

final as (
    select
        invoice_id,
        customer_id,
        subscription_id,
        invoice_number,
        status,
        billing_reason,
        upper(currency_lower) as currency,
        {%- for amount in ['amount_due', 'amount_paid', 'amount_remaining', 'total'] %}
        cast(
            {{ amount }}_minor / case
                when currency_lower in {{ zero_decimal }} then 1
                when currency_lower in {{ three_decimal }} then 1000
                else 100
            end as decimal(18, 2)
        ) as {{ amount }},
        {%- endfor %}
        line_count,
        created_at_utc,
        {{ to_local('created_at_utc') }} as created_at_local,
        finalized_at_utc,
        {{ to_local('finalized_at_utc') }} as finalized_at_local,
        paid_at_utc,
        {{ to_local('paid_at_utc') }} as paid_at_local,
        batch_id,
        extracted_at,
    from renamed
)

select * from final
