{#- The invoice payments of each invoice's latest version (invoices are read with
    expand[]=data.payments): which PaymentIntent, or for a legacy payment which
    Charge, paid the invoice. -#}
with

invoices as (
    {{ latest_raw_records(source('stripe', 'invoices')) }}
),

payments as (
    select
        unnest(cast(json_extract(invoices.record, '$.payments.data') as json[])) as payment,
        invoices.batch_id,
        invoices.extracted_at,
    from invoices
),

renamed as (
    select
        {{ json_text('payment', '$.id') }} as invoice_payment_id,
        {{ json_text('payment', '$.invoice') }} as invoice_id,
        {{ json_text('payment', '$.payment.type') }} as payment_type,
        {{ json_text('payment', '$.payment.payment_intent') }} as payment_intent_id,
        {{ json_text('payment', '$.payment.charge') }} as charge_id,
        {{ json_text('payment', '$.status') }} as status,
        cast(json_extract(payment, '$.is_default') as boolean) as is_default,
        lower({{ json_text('payment', '$.currency') }}) as currency_lower,
        cast({{ json_text('payment', '$.amount_paid') }} as bigint) as amount_paid_minor,
        {{ utc_from_epoch(json_text('payment', '$.status_transitions.paid_at')) }} as paid_at_utc,
        batch_id,
        extracted_at,
    from payments
),

final as (
    select
        invoice_payment_id,
        invoice_id,
        payment_type,
        payment_intent_id,
        charge_id,
        status,
        coalesce(is_default, false) as is_default,
        upper(currency_lower) as currency,
        {{ stripe_major_units('amount_paid_minor', 'currency_lower') }} as amount_paid,
        paid_at_utc,
        batch_id,
        extracted_at,
    from renamed
)

select * from final
