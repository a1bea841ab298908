{#- One row per Stripe invoice (the orders of a subscription business), resolved to
    a customer.  Money in major units (DECIMAL) with the ISO currency beside it.
    Incremental on the invoice: a night re-reads invoices whose last change (created,
    finalized or paid, local date) falls in the lookback window, and replaces them by
    invoice_id - an invoice paid days after it was created is updated, not duplicated. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='invoice_id',
) }}
with

invoices as (

    select * from {{ ref('stg_stripe__invoices') }}
    where {{ incremental_window(
        'cast(' ~ to_local('greatest(created_at_utc, coalesce(finalized_at_utc, created_at_utc), coalesce(paid_at_utc, created_at_utc))') ~ ' as date)',
        'last_changed_date'
    ) }}

),

links as (

    select * from {{ ref('int_identity__links') }}
    where source = 'stripe_customer'

),

final as (

    select
        invoices.invoice_id,
        links.customer_id,
        invoices.customer_id as stripe_customer_id,
        invoices.subscription_id,
        invoices.invoice_number,
        invoices.status,
        invoices.billing_reason,
        invoices.billing_reason = 'subscription_create' as is_first_invoice_of_subscription,
        invoices.currency,
        invoices.amount_due,
        invoices.amount_paid,
        invoices.amount_remaining,
        invoices.total,
        invoices.line_count,
        invoices.status = 'paid' as is_paid,
        invoices.created_at_utc,
        cast({{ to_local('invoices.created_at_utc') }} as date) as created_date,
        invoices.paid_at_utc,
        cast({{ to_local('invoices.paid_at_utc') }} as date) as paid_date,
        cast(date_trunc('month', {{ to_local('invoices.paid_at_utc') }}) as date) as paid_month,
        cast(
            {{ to_local('greatest(
                invoices.created_at_utc,
                coalesce(invoices.finalized_at_utc, invoices.created_at_utc),
                coalesce(invoices.paid_at_utc, invoices.created_at_utc)
            )') }} as date
        ) as last_changed_date,
    from invoices
    left join links on links.source_identity = invoices.customer_id

)

select * from final
