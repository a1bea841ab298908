{#- One row per customer (a person), made from every source that knows people
    (int_identity__members: HubSpot contacts, Stripe customers, Zendesk
    end-users, and the Mailchimp members and Mixpanel identified users linked to
    them), no source being the master.

    Attribute precedence: email, first and last name, country, handles and app
    user id come from the first identity that has a value, in source_rank order
    (HubSpot contact, Stripe customer, Zendesk user, Mailchimp member, Mixpanel
    user; see int_identity__source_identities), then earliest created, then
    lowest id.  Country is as the winning source writes it (the CRM's text, or
    Stripe's / Mailchimp's ISO code).  The customer was created (signed up) when
    the first of its person identities was: the earliest contact, Stripe
    customer or Zendesk user (a newsletter opt-in or an app event is not a
    sign-up). -#}
with

members as (

    select * from {{ ref('int_identity__members') }}

),

final as (

    select
        customer_id,
        coalesce(
            list(source_identity order by created_at_utc, source_identity) filter (where source = 'hubspot_contact'),
            []
        ) as contact_ids,
        count(*) filter (where source = 'hubspot_contact') as contact_count,
        list(distinct source order by source) as identity_sources,
        count(*) as identity_count,
        arg_min(email_normalized, (source_rank, created_at_utc, source_identity))
            filter (where email_normalized is not null) as email_normalized,
        arg_min(first_name, (source_rank, created_at_utc, source_identity))
            filter (where first_name is not null) as first_name,
        arg_min(last_name, (source_rank, created_at_utc, source_identity))
            filter (where last_name is not null) as last_name,
        arg_min(country, (source_rank, created_at_utc, source_identity))
            filter (where country is not null) as country,
        arg_min(x_handle_normalized, (source_rank, created_at_utc, source_identity))
            filter (where x_handle_normalized is not null) as x_handle_normalized,
        arg_min(instagram_handle_normalized, (source_rank, created_at_utc, source_identity))
            filter (where instagram_handle_normalized is not null) as instagram_handle_normalized,
        arg_min(app_user_id, (source_rank, created_at_utc, source_identity))
            filter (where app_user_id is not null) as app_user_id,
        coalesce(bool_or(lifecycle_stage = 'customer'), false) as is_paying_lifecycle,
        min(created_at_utc) filter (where is_person) as created_at_utc,
        {{ to_local('min(created_at_utc) filter (where is_person)') }} as created_at_local,
    from members
    group by customer_id

)

select * from final
