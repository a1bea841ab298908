{#- One row per identity a source holds for a person who can be reached by a
    strong key (email, HubSpot contact id, app user id): the nodes of the
    identity graph (int_identity__components), with their keys and the person
    attributes each source knows, normalised so sources compare.

    is_person says whether the identity alone makes a customer: a HubSpot
    contact, a Stripe customer and a Zendesk end-user with an email are people
    the brand deals with (a lead, a buyer, a support requester).  A Mailchimp
    member (a newsletter address) and a Mixpanel identified user (an app account
    id, with no email) alone are audience, a customer's only when a key ties them
    to one: the app id is often missing from billing (half the sandbox's Stripe
    customers lack metadata.app_user_id), and as people of their own every such
    app user would be a second, purchase-less customer beside its buyer (on tiny
    without HubSpot: 838 customers for 600 people).  Web sessions of unlinked app
    users still attribute by device.  A Zendesk end-user without email is known
    by its social handle only and is matched like a social author
    (int_identity__candidates).

    source_rank orders sources for the customer's attributes (names, email,
    country, handles; int_identity__customers): the CRM's curated record first,
    then what the buyer typed at checkout, what support learnt, the newsletter
    sign-up, the app; a brand's own exports last (PANTAU_IMPORT_DIR), because an
    export is a snapshot of a system as it was, and a live tool knows better.

    An export's customer ('files_customer', keyed by the customer id the exports
    share, or the email where a row has no id) is a person like a Stripe customer:
    each customers-export row, and every buyer of the orders export and requester of
    the tickets export that the customers export does not list. -#}
with

hubspot_contacts as (

    select * from {{ ref('stg_hubspot__contacts') }}
    where not coalesce(is_archived, false)

),

stripe_customers as (

    select * from {{ ref('stg_stripe__customers') }}

),

zendesk_users as (

    select * from {{ ref('stg_zendesk__users') }}
    where not is_agent

),

mailchimp_members as (

    select * from {{ ref('stg_mailchimp__members') }}

),

mixpanel_events as (

    select * from {{ ref('stg_mixpanel__events') }}
    where user_id is not null

),

files_customers as (

    select * from {{ ref('stg_files__customers') }}

),

-- Buyers and requesters the customers export does not list, known by id or email.
files_other_people as (

    select
        coalesce(customer_id, email_normalized) as person_key,
        email_normalized,
        coalesce(paid_at_utc, ordered_at_utc) as seen_at_utc,
    from {{ ref('stg_files__orders') }}

    union all

    select
        coalesce(requester_id, {{ normalize_email('from_email') }}),
        {{ normalize_email('from_email') }},
        created_at_utc,
    from {{ ref('stg_files__tickets') }}

),

hubspot_identities as (

    select
        'hubspot_contact' as source,
        contact_id as source_identity,
        true as is_person,
        1 as source_rank,
        {{ normalize_email('email') }} as email_normalized,
        contact_id as crm_contact_id,
        nullif(trim(app_user_id), '') as app_user_id,
        nullif(trim(first_name), '') as first_name,
        nullif(trim(last_name), '') as last_name,
        nullif(trim(country), '') as country,
        {{ normalize_handle('x_handle') }} as x_handle_normalized,
        {{ normalize_handle('instagram_handle') }} as instagram_handle_normalized,
        lifecycle_stage,
        created_at_utc,
    from hubspot_contacts

),

stripe_identities as (

    select
        'stripe_customer',
        customer_id,
        true,
        2,
        {{ normalize_email('email') }},
        nullif(trim(hubspot_contact_id), ''),
        nullif(trim(app_user_id), ''),
        {{ first_name_of('customer_name') }},
        {{ last_name_of('customer_name') }},
        nullif(trim(country_code), ''),
        null,
        null,
        null,
        created_at_utc,
    from stripe_customers

),

zendesk_identities as (

    select
        'zendesk_user',
        cast(user_id as varchar),
        true,
        3,
        {{ normalize_email('email') }},
        null,
        null,
        {{ first_name_of('user_name') }},
        {{ last_name_of('user_name') }},
        null,
        {{ normalize_handle('twitter_username') }},
        {{ normalize_handle('instagram_username') }},
        null,
        created_at_utc,
    from zendesk_users
    where {{ normalize_email('email') }} is not null

),

-- A member in several audiences is one identity (member_id is the hash of the email).
mailchimp_identities as (

    select
        'mailchimp_member',
        member_id,
        false,
        4,
        arg_min({{ normalize_email('email_address') }}, (opted_in_at_utc, member_key)),
        null,
        null,
        arg_min({{ first_name_of('full_name') }}, (opted_in_at_utc, member_key)),
        arg_min({{ last_name_of('full_name') }}, (opted_in_at_utc, member_key)),
        arg_min(nullif(trim(country_code), ''), (opted_in_at_utc, member_key)),
        null,
        null,
        null,
        min(opted_in_at_utc),
    from mailchimp_members
    group by member_id

),

-- An app user is known from its first identified event.
mixpanel_identities as (

    select
        'mixpanel_user',
        user_id,
        false,
        5,
        null,
        null,
        nullif(trim(user_id), ''),
        null,
        null,
        null,
        null,
        null,
        null,
        min(occurred_at_utc),
    from mixpanel_events
    group by user_id

),

files_identities as (

    select
        'files_customer',
        customer_id,
        true,
        6,
        email_normalized,
        null,
        null,
        {{ first_name_of('full_name') }},
        {{ last_name_of('full_name') }},
        nullif(trim(country_code), ''),
        x_handle_normalized,
        instagram_handle_normalized,
        null,
        created_at_utc,
    from files_customers

    union all

    select
        'files_customer',
        person_key,
        true,
        6,
        arg_min(email_normalized, seen_at_utc) filter (where email_normalized is not null),
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        min(seen_at_utc),
    from files_other_people
    where person_key is not null
        and person_key not in (select customer_id from files_customers)
    group by person_key

),

unioned as (

    select * from hubspot_identities
    union all
    select * from stripe_identities
    union all
    select * from zendesk_identities
    union all
    select * from mailchimp_identities
    union all
    select * from mixpanel_identities
    union all
    select * from files_identities

),

final as (

    select
        source || ':' || cast(source_identity as varchar) as link_id,
        source,
        cast(source_identity as varchar) as source_identity,
        is_person,
        source_rank,
        email_normalized,
        crm_contact_id,
        app_user_id,
        first_name,
        last_name,
        country,
        x_handle_normalized,
        instagram_handle_normalized,
        lifecycle_stage,
        created_at_utc,
    from unioned

)

select * from final
