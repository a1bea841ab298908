{#- The moment the billing and CRM data describe: the latest local timestamp seen in
    Stripe invoices, subscription events, subscriptions and HubSpot contacts.  Used
    instead of the clock so a rebuild of an old warehouse (or the sandbox, whose
    world stops at its anchor) reports the months its data covers. -#}
with

invoices as (

    select max(created_at_local) as latest_at_local from {{ ref('stg_stripe__invoices') }}

),

events as (

    select max(created_at_local) as latest_at_local from {{ ref('stg_stripe__events') }}

),

subscriptions as (

    select
        greatest(max(started_at_local), max(ended_at_local), max(canceled_at_local)) as latest_at_local,
    from {{ ref('stg_stripe__subscriptions') }}

),

contacts as (

    select max(created_at_local) as latest_at_local from {{ ref('stg_hubspot__contacts') }}

),

combined as (

    select
        greatest(
            invoices.latest_at_local,
            events.latest_at_local,
            subscriptions.latest_at_local,
            contacts.latest_at_local
        ) as as_of_at_local,
    from invoices
    cross join events
    cross join subscriptions
    cross join contacts

),

final as (

    select
        as_of_at_local,
        cast(as_of_at_local as date) as as_of_date,
        cast(date_trunc('month', as_of_at_local) as date) as as_of_month,
    from combined

)

select * from final
