{#- One row per customer (a person), with the CRM as the spine: HubSpot contacts
    that share a normalised email collapse into one customer, and a contact with
    no email joins the customer whose contacts carry the same first name, last
    name and normalised X or Instagram handle when exactly one customer does
    (otherwise it is a customer of its own).  customer_id is the id of the
    customer's primary contact (the earliest created, then the lowest id), so it
    is stable as long as that contact exists.  Stripe customers, Zendesk users
    and Mailchimp members whose identity matches no contact are not customers:
    they are listed in int_identity__unresolved. -#}
with

contacts as (

    select
        contact_id,
        {{ normalize_email('email') }} as email_normalized,
        first_name,
        last_name,
        lower(trim(first_name)) as first_name_key,
        lower(trim(last_name)) as last_name_key,
        country,
        lifecycle_stage,
        {{ normalize_handle('x_handle') }} as x_handle_normalized,
        {{ normalize_handle('instagram_handle') }} as instagram_handle_normalized,
        nullif(trim(app_user_id), '') as app_user_id,
        created_at_utc,
    from {{ ref('stg_hubspot__contacts') }}
    where not coalesce(is_archived, false)

),

email_clusters as (

    select
        email_normalized,
        arg_min(contact_id, (created_at_utc, contact_id)) as customer_id,
    from contacts
    where email_normalized is not null
    group by email_normalized

),

emailed_contacts as (

    select
        contacts.*,
        email_clusters.customer_id,
    from contacts
    inner join email_clusters on email_clusters.email_normalized = contacts.email_normalized

),

-- A contact without email joins an emailed customer by name + handle, only when unique.
emailless_candidates as (

    select distinct
        contacts.contact_id,
        emailed_contacts.customer_id,
    from contacts
    inner join emailed_contacts
        on emailed_contacts.first_name_key = contacts.first_name_key
        and emailed_contacts.last_name_key = contacts.last_name_key
        and (
            emailed_contacts.x_handle_normalized = contacts.x_handle_normalized
            or emailed_contacts.instagram_handle_normalized = contacts.instagram_handle_normalized
        )
    where contacts.email_normalized is null

),

emailless_attached as (

    select
        contact_id,
        min(customer_id) as customer_id,
    from emailless_candidates
    group by contact_id
    having count(*) = 1

),

contact_customers as (

    select
        contacts.*,
        coalesce(email_clusters.customer_id, emailless_attached.customer_id, contacts.contact_id) as customer_id,
    from contacts
    left join email_clusters on email_clusters.email_normalized = contacts.email_normalized
    left join emailless_attached on emailless_attached.contact_id = contacts.contact_id

),

final as (

    select
        customer_id,
        list(contact_id order by created_at_utc, contact_id) as contact_ids,
        count(*) as contact_count,
        arg_min(email_normalized, (created_at_utc, contact_id)) filter (where email_normalized is not null) as email_normalized,
        arg_min(first_name, (created_at_utc, contact_id)) as first_name,
        arg_min(last_name, (created_at_utc, contact_id)) as last_name,
        arg_min(country, (created_at_utc, contact_id)) filter (where country is not null) as country,
        arg_min(x_handle_normalized, (created_at_utc, contact_id)) filter (where x_handle_normalized is not null) as x_handle_normalized,
        arg_min(instagram_handle_normalized, (created_at_utc, contact_id)) filter (where instagram_handle_normalized is not null) as instagram_handle_normalized,
        arg_min(app_user_id, (created_at_utc, contact_id)) filter (where app_user_id is not null) as app_user_id,
        bool_or(lifecycle_stage = 'customer') as is_paying_lifecycle,
        min(created_at_utc) as created_at_utc,
        {{ to_local('min(created_at_utc)') }} as created_at_local,
    from contact_customers
    group by customer_id

)

select * from final
